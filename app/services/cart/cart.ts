import type { VerificationLevel } from "~/generated/prisma/enums";
import { z } from "zod";
import { CURRENCIES, type CurrencyCode } from "~/services/money";

// The cart is a cookie holding product ids only, written by the page as the
// shopper changes it and by the server without JavaScript; localStorage
// mirrors it (key CART_STORAGE_KEY) so other tabs notice a change. Everything
// read from the cookie is untrusted: parsing never throws, it drops what is wrong.

export const CART_STORAGE_KEY = "ai_marketplace_cart";
export const CART_COOKIE_NAME = "ai_marketplace_cart";
export const MAX_CART_ITEMS = 50;
/** Seconds the cart cookie is kept (30 days), whoever writes it. */
const CART_COOKIE_MAX_AGE = 60 * 60 * 24 * 30;

export interface CartItem {
  id: string;
  title: string;
  price: number;
  currency: CurrencyCode;
  verification_level: VerificationLevel;
  seller: { id: string; name: string };
}

/** The cart's item for a product as the shop's pages and queries describe it. */
export function toCartItem(product: {
  id: string;
  title: string;
  price: number;
  currency: CurrencyCode;
  verificationLevel: CartItem["verification_level"];
  seller: { id: string; displayName: string };
}): CartItem {
  return {
    id: product.id,
    title: product.title,
    price: product.price,
    currency: product.currency,
    verification_level: product.verificationLevel,
    seller: { id: product.seller.id, name: product.seller.displayName },
  };
}

const ProductId = z.string().uuid();

export interface ParsedCart<T> {
  items: T[];
  /** Entries that were dropped because they were malformed. */
  discarded: number;
  /** Whether entries beyond MAX_CART_ITEMS were cut. */
  truncated: boolean;
}

function keepValidUnique<T extends { id: string }>(entries: unknown, parse: (entry: unknown) => T | undefined): ParsedCart<T> {
  if (!Array.isArray(entries)) return { items: [], discarded: entries == null ? 0 : 1, truncated: false };
  const seen = new Set<string>();
  const items: T[] = [];
  let discarded = 0;
  let truncated = false;
  for (const entry of entries) {
    const item = parse(entry);
    if (!item) {
      discarded += 1;
      continue;
    }
    if (seen.has(item.id)) continue;
    if (items.length === MAX_CART_ITEMS) {
      truncated = true;
      break;
    }
    seen.add(item.id);
    items.push(item);
  }
  return { items, discarded, truncated };
}

/** Product ids from the cookie mirror, in order, unique, at most MAX_CART_ITEMS. */
export function parseCartIds(value: unknown): ParsedCart<{ id: string }> {
  return keepValidUnique(value, (entry) => {
    const parsed = ProductId.safeParse(entry);
    return parsed.success ? { id: parsed.data } : undefined;
  });
}

export function cartTotals(items: readonly Pick<CartItem, "price" | "currency">[]): Partial<Record<CurrencyCode, number>> {
  const totals: Partial<Record<CurrencyCode, number>> = {};
  for (const item of items) totals[item.currency] = (totals[item.currency] ?? 0) + item.price;
  return totals;
}

export function groupByCurrency<T extends { currency: CurrencyCode }>(items: readonly T[]): Array<{ currency: CurrencyCode; items: T[] }> {
  return CURRENCIES.map((currency) => ({ currency, items: items.filter((item) => item.currency === currency) })).filter(
    (group) => group.items.length > 0,
  );
}

/** What the checkout form sends for one currency group: what the shopper saw. */
export function serializeCheckoutItems(items: readonly Pick<CartItem, "id" | "price" | "currency">[]): string {
  return JSON.stringify(items.map(({ id, price, currency }) => ({ id, price, currency })));
}

/**
 * The cart cookie as one Set-Cookie / document.cookie string: the only place
 * it is written, by the server (without JavaScript) and by the page alike.
 * Not HttpOnly on purpose: the page writes it, and it holds product ids only.
 */
export function serializeCartCookie(ids: readonly string[], { secure }: { secure: boolean }): string {
  const value = encodeURIComponent(encodeCartCookieValue(ids));
  return `${CART_COOKIE_NAME}=${value}; Path=/; Max-Age=${CART_COOKIE_MAX_AGE}; SameSite=Lax${secure ? "; Secure" : ""}`;
}

/**
 * The cookie value the server reads: the same encoding as Remix's unsigned
 * cookies (base64 of JSON), so the browser can write it too.
 */
export function encodeCartCookieValue(ids: readonly string[]): string {
  return btoa(JSON.stringify(ids));
}

/** Product ids from the cookie's raw (URL-encoded) value, or null when it cannot be read. */
export function decodeCartCookieValue(raw: string): string[] | null {
  try {
    return parseCartIds(JSON.parse(atob(decodeURIComponent(raw)))).items.map((item) => item.id);
  } catch {
    return null;
  }
}
