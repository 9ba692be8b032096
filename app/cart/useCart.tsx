import { useFetchers } from "@remix-run/react";
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import {
  CART_COOKIE_NAME,
  CART_STORAGE_KEY,
  cartTotals,
  encodeCartCookieValue,
  MAX_CART_ITEMS,
  parseStoredCart,
  type CartItem,
} from "~/services/cart";
import type { CurrencyCode } from "~/services/money";

// The shopper's cart in the browser. The server renders it from the cookie;
// after hydration this state, localStorage and the cookie move together, and
// other tabs follow through the `storage` event.

export interface CartApi {
  items: CartItem[];
  count: number;
  totals: Partial<Record<CurrencyCode, number>>;
  add(item: CartItem): void;
  remove(productId: string): void;
  clearCart(productIds?: readonly string[]): void;
}

const CartContext = createContext<CartApi | null>(null);

function store(items: readonly CartItem[]) {
  try {
    window.localStorage.setItem(CART_STORAGE_KEY, JSON.stringify(items));
  } catch {
    // Storage full or disabled: the cookie still carries the cart.
  }
}

function persist(items: readonly CartItem[]) {
  store(items);
  const value = encodeURIComponent(encodeCartCookieValue(items.map((item) => item.id)));
  document.cookie = `${CART_COOKIE_NAME}=${value}; Path=/; Max-Age=${60 * 60 * 24 * 30}; SameSite=Lax`;
}

export function CartProvider({ serverItems, children }: { serverItems: CartItem[]; children: ReactNode }) {
  const [items, setItems] = useState<CartItem[]>(serverItems);
  const itemsRef = useRef(items);
  itemsRef.current = items;

  // The cookie is what the server saw; whenever it answers (first render,
  // revalidation after a change) and no cart change is still on its way, the
  // browser's copy takes its view. The server has set the cookie itself.
  const changing = useFetchers().some(
    (fetcher) => fetcher.state !== "idle" && ["add", "remove"].includes(String(fetcher.formData?.get("intent"))),
  );
  const serverKey = JSON.stringify(serverItems);
  useEffect(() => {
    if (changing) return;
    setItems(serverItems);
    store(serverItems);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [serverKey, changing]);

  useEffect(() => {
    function onStorage(event: StorageEvent) {
      if (event.key === CART_STORAGE_KEY) setItems(parseStoredCart(event.newValue).items);
    }
    window.addEventListener("storage", onStorage);
    return () => window.removeEventListener("storage", onStorage);
  }, []);

  const update = useCallback((next: CartItem[]) => {
    setItems(next);
    persist(next);
  }, []);

  const api = useMemo<CartApi>(
    () => ({
      items,
      count: items.length,
      totals: cartTotals(items),
      add(item) {
        const current = itemsRef.current;
        if (current.some((existing) => existing.id === item.id) || current.length >= MAX_CART_ITEMS) return;
        update([...current, item]);
      },
      remove(productId) {
        update(itemsRef.current.filter((item) => item.id !== productId));
      },
      clearCart(productIds) {
        update(productIds ? itemsRef.current.filter((item) => !productIds.includes(item.id)) : []);
      },
    }),
    [items, update],
  );

  return <CartContext.Provider value={api}>{children}</CartContext.Provider>;
}

export function useCart(): CartApi {
  const cart = useContext(CartContext);
  if (!cart) throw new Error("useCart must be used inside <CartProvider>.");
  return cart;
}
