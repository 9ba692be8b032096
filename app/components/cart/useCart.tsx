import { useRevalidator } from "@remix-run/react";
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import {
  CART_COOKIE_NAME,
  CART_STORAGE_KEY,
  decodeCartCookieValue,
  MAX_CART_ITEMS,
  serializeCartCookie,
  type CartItem,
} from "~/services/cart/cart";

// The shopper's cart in the browser is the cart cookie. A change is written
// to the cookie (and mirrored to localStorage for other tabs) the moment it is
// made, before its form is sent, and the page shows the cookie's list at once.
// Each request therefore carries every change made so far, and the page never
// rebuilds the list from a server answer that may be older than the last
// change, or missing because a request failed. When the server answers, its
// own Set-Cookie (a bought or unknown product dropped) is already in the
// cookie, which is read again. Another tab's change, or a page shown from the
// back-forward cache, asks the server again, so an old copy never wins.

export interface CartApi {
  items: CartItem[];
  count: number;
  /** Writes the cart with `item` added, before its form is sent. */
  add(item: CartItem): void;
  remove(productId: string): void;
}

const CartContext = createContext<CartApi | null>(null);

function readCookieIds(): string[] | null {
  const prefix = `${CART_COOKIE_NAME}=`;
  const entry = document.cookie.split("; ").find((part) => part.startsWith(prefix));
  if (entry === undefined) return [];
  return decodeCartCookieValue(entry.slice(prefix.length));
}

function mirror(items: readonly CartItem[]) {
  try {
    window.localStorage.setItem(CART_STORAGE_KEY, JSON.stringify(items));
  } catch {
    // Storage full or disabled: the cookie still carries the cart.
  }
}

export function CartProvider({ serverItems, children }: { serverItems: CartItem[]; children: ReactNode }) {
  const revalidator = useRevalidator();
  // What each product in the cart looks like: from the server's pages, and
  // from the add forms for products added since.
  const known = useRef(new Map<string, CartItem>());
  for (const item of serverItems) known.current.set(item.id, item);
  const serverKey = JSON.stringify(serverItems.map((item) => item.id));

  // The first render matches the server's HTML; the cookie is read after it.
  const [ids, setIds] = useState<string[]>(() => serverItems.map((item) => item.id));
  const shown = useRef(ids);
  shown.current = ids;
  const describe = useCallback((list: readonly string[]) => list.flatMap((id) => known.current.get(id) ?? []), []);
  // `known` only grows with serverItems (serverKey) and with adds (which change ids).
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const items = useMemo(() => describe(ids), [ids, serverKey, describe]);

  useEffect(() => {
    const next: string[] = readCookieIds() ?? JSON.parse(serverKey);
    setIds(next);
    mirror(describe(next));
  }, [serverKey, describe]);

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

  // Each change starts from the cookie, which already holds every earlier change.
  const change = useCallback(
    (edit: (current: string[]) => string[]) => {
      const next = edit(readCookieIds() ?? shown.current);
      document.cookie = serializeCartCookie(next, { secure: window.location.protocol === "https:" });
      mirror(describe(next));
      setIds(next);
    },
    [describe],
  );

  const add = useCallback(
    (item: CartItem) => {
      known.current.set(item.id, item);
      change((current) => (current.includes(item.id) || current.length >= MAX_CART_ITEMS ? current : [...current, item.id]));
    },
    [change],
  );
  const remove = useCallback((productId: string) => change((current) => current.filter((id) => id !== productId)), [change]);

  const api = useMemo<CartApi>(() => ({ items, count: items.length, add, remove }), [items, add, remove]);
  return <CartContext.Provider value={api}>{children}</CartContext.Provider>;
}

export function useCart(): CartApi {
  const cart = useContext(CartContext);
  if (!cart) throw new Error("useCart must be used inside <CartProvider>.");
  return cart;
}
