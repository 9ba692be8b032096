import { createCookie } from "@remix-run/node";
import { env, isProduction } from "~/env.server";
import { findOwnedProductIds } from "~/models/entitlement.server";
import { findProductsByIds } from "~/models/product.server";
import { CART_COOKIE_NAME, MAX_CART_ITEMS, parseCartIds, serializeCartCookie, toCartItem, type CartItem } from "~/services/cart/cart";

let cookie: ReturnType<typeof createCookie> | undefined;

// Read with Remix's cookie parser (the value is encoded as its unsigned
// cookies are); written by serializeCartCookie, the page's writer too. The
// server trusts nothing in it but product ids.
function cartCookie() {
  cookie ??= createCookie(CART_COOKIE_NAME);
  return cookie;
}

export async function readCartIds(request: Request): Promise<string[]> {
  let value: unknown;
  try {
    value = await cartCookie().parse(request.headers.get("Cookie"));
  } catch {
    value = null;
  }
  return parseCartIds(value).items.map((item) => item.id);
}

export async function cartCookieHeader(ids: readonly string[]): Promise<string> {
  return serializeCartCookie(ids, { secure: isProduction(env()) });
}

export type CartFlag = "owned" | "own-product";

export interface CartView {
  items: CartItem[];
  /** Items that stay in the cart but cannot be checked out, and why. */
  flags: Record<string, CartFlag>;
  /** How many ids were dropped because their product is gone or unpublished (the cookie keeps the items' ids). */
  dropped: number;
}

/**
 * The cart as the server sees it. `owned`: every product the user holds (the
 * pages mark them), read in the same round as the cart's products.
 */
export async function viewCart(ids: readonly string[], user: { id: string } | null): Promise<CartView & { owned: Set<string> }> {
  const [products, owned] = await Promise.all([
    findProductsByIds(ids),
    user ? findOwnedProductIds(user.id) : Promise.resolve(new Set<string>()),
  ]);
  const byId = new Map(products.map((product) => [product.id, product]));
  const available = ids.flatMap((id) => {
    const product = byId.get(id);
    return product && product.published ? [product] : [];
  });
  const flags: Record<string, CartFlag> = {};
  for (const product of available) {
    if (owned.has(product.id)) flags[product.id] = "owned";
    else if (user && product.sellerId === user.id) flags[product.id] = "own-product";
  }
  return {
    items: available.map(toCartItem),
    flags,
    dropped: ids.length - available.length,
    owned,
  };
}

/** A cart change in the shop's words; the cart route says it in HTTP. */
export type CartChange =
  | { ok: true; ids: string[]; message: string }
  | { ok: false; reason: "unavailable" | "owned" | "full"; message: string };

export async function addToCart(ids: readonly string[], productId: string, user: { id: string } | null): Promise<CartChange> {
  const [[product], owned] = await Promise.all([
    findProductsByIds([productId]),
    user ? findOwnedProductIds(user.id, [productId]) : Promise.resolve(new Set<string>()),
  ]);
  if (!product || !product.published) {
    return { ok: false, reason: "unavailable", message: "That product is no longer available, so it was not added." };
  }
  if (owned.has(productId)) {
    return { ok: false, reason: "owned", message: `You already own ${product.title}: its files are in your library, so it was not added.` };
  }
  if (ids.includes(productId)) return { ok: true, ids: [...ids], message: `${product.title} is already in your cart.` };
  if (ids.length >= MAX_CART_ITEMS) {
    return {
      ok: false,
      reason: "full",
      message: `Your cart holds at most ${MAX_CART_ITEMS} products. Check out or remove some before adding more.`,
    };
  }
  return { ok: true, ids: [...ids, productId], message: `Added ${product.title} to your cart.` };
}

export function removeFromCart(ids: readonly string[], productId: string): CartChange {
  return { ok: true, ids: ids.filter((id) => id !== productId), message: "Removed from your cart." };
}

/** A Set-Cookie header that takes `purchased` out of the request's cart, or null when none is in it. */
export async function cartWithout(request: Request, purchased: readonly string[]): Promise<string | null> {
  const ids = await readCartIds(request);
  const remaining = ids.filter((id) => !purchased.includes(id));
  return remaining.length === ids.length ? null : cartCookieHeader(remaining);
}
