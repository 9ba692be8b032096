import { useFetchers, useRevalidator } from "@remix-run/react";
import { createContext, useCallback, useContext, useEffect, useMemo, type ReactNode } from "react";
import {
  CART_COOKIE_NAME,
  CART_STORAGE_KEY,
  cartTotals,
  encodeCartCookieValue,
  MAX_CART_ITEMS,
  parseCartItemField,
  type CartItem,
} from "~/services/cart";
import type { CurrencyCode } from "~/services/money";

// The shopper's cart in the browser. What the server last rendered (from the
// cart cookie) is the cart; a change on its way to the server shows at once
// on top of it, from the pending form itself. With JavaScript the page writes
// the cookie before each change is sent, so every request, and the server's
// next answer, already carries every change made so far, whatever order the
// answers come back in. localStorage mirrors the cart for other tabs, which
// then ask the server again; so does a page shown from the back-forward
// cache, so an old copy never wins over the server's view.

export interface CartApi {
  items: CartItem[];
  count: number;
  totals: Partial<Record<CurrencyCode, number>>;
  /** Writes the cart with `item` added to the cookie, before its form is sent. */
  add(item: CartItem): void;
  remove(productId: string): void;
}

const CartContext = createContext<CartApi | null>(null);

const CHANGE_INTENTS = new Set(["add", "remove"]);

function writeCookie(items: readonly CartItem[]) {
  const value = encodeURIComponent(encodeCartCookieValue(items.map((item) => item.id)));
  document.cookie = `${CART_COOKIE_NAME}=${value}; Path=/; Max-Age=${60 * 60 * 24 * 30}; SameSite=Lax`;
}

/** The server's cart with the changes still on their way applied, in the order they were made. */
function withPendingChanges(serverItems: CartItem[], pending: FormData[]): CartItem[] {
  let items = serverItems;
  for (const form of pending) {
    const productId = String(form.get("productId") ?? "");
    if (form.get("intent") === "remove") {
      items = items.filter((item) => item.id !== productId);
    } else if (!items.some((item) => item.id === productId) && items.length < MAX_CART_ITEMS) {
      const item = parseCartItemField(form.get("item"));
      if (item && item.id === productId) items = [...items, item];
    }
  }
  return items;
}

export function CartProvider({ serverItems, children }: { serverItems: CartItem[]; children: ReactNode }) {
  const revalidator = useRevalidator();
  const pending = useFetchers().flatMap((fetcher) =>
    fetcher.formData && CHANGE_INTENTS.has(String(fetcher.formData.get("intent"))) ? [fetcher.formData] : [],
  );
  const items = withPendingChanges(serverItems, pending);
  const itemsKey = JSON.stringify(items.map((item) => item.id));

  useEffect(() => {
    try {
      window.localStorage.setItem(CART_STORAGE_KEY, JSON.stringify(items));
    } catch {
      // Storage full or disabled: the cookie still carries the cart.
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [itemsKey]);

  // Another tab changed the cart, or this page came back from the
  // back-forward cache: ask the server, whose cookie is the cart.
  useEffect(() => {
    const refresh = () => {
      if (revalidator.state === "idle") revalidator.revalidate();
    };
    const onStorage = (event: StorageEvent) => {
      if (event.key === CART_STORAGE_KEY) refresh();
    };
    const onPageShow = (event: PageTransitionEvent) => {
      if (event.persisted) refresh();
    };
    window.addEventListener("storage", onStorage);
    window.addEventListener("pageshow", onPageShow);
    return () => {
      window.removeEventListener("storage", onStorage);
      window.removeEventListener("pageshow", onPageShow);
    };
  }, [revalidator]);

  const add = useCallback(
    (item: CartItem) => {
      if (items.some((existing) => existing.id === item.id) || items.length >= MAX_CART_ITEMS) return;
      writeCookie([...items, item]);
    },
    [items],
  );
  const remove = useCallback((productId: string) => writeCookie(items.filter((item) => item.id !== productId)), [items]);

  const api = useMemo<CartApi>(() => ({ items, count: items.length, totals: cartTotals(items), add, remove }), [items, add, remove]);
  return <CartContext.Provider value={api}>{children}</CartContext.Provider>;
}

export function useCart(): CartApi {
  const cart = useContext(CartContext);
  if (!cart) throw new Error("useCart must be used inside <CartProvider>.");
  return cart;
}
