import { randomUUID } from "node:crypto";
import { createCookie } from "@remix-run/node";
import { describe, expect, it } from "vitest";
import {
  cartTotals,
  decodeCartCookieValue,
  encodeCartCookieValue,
  groupByCurrency,
  MAX_CART_ITEMS,
  parseCartIds,
  serializeCartCookie,
  serializeCheckoutItems,
  type CartItem,
} from "~/services/cart/cart";

function item(overrides: Partial<CartItem> = {}): CartItem {
  return {
    id: randomUUID(),
    title: "SQL Copilot Prompt Pack",
    price: 1250,
    currency: "USD",
    verification_level: "VERIFIED",
    seller: { id: randomUUID(), name: "Prompt Atelier" },
    ...overrides,
  };
}

describe("parsing the cookie's product ids", () => {
  it("keeps valid unique ids in order", () => {
    const [a, b] = [randomUUID(), randomUUID()];
    expect(parseCartIds([a, b, a, "nope", 3, null]).items.map((i) => i.id)).toEqual([a, b]);
  });

  it("gives an empty cart for anything that is not a list", () => {
    for (const value of [null, undefined, "abc", { ids: [] }, 5]) expect(parseCartIds(value).items).toEqual([]);
  });

  it(`keeps at most ${MAX_CART_ITEMS} of 10,000 ids and says it cut the rest`, () => {
    const parsed = parseCartIds(Array.from({ length: 10_000 }, () => randomUUID()));
    expect(parsed.items).toHaveLength(MAX_CART_ITEMS);
    expect(parsed.truncated).toBe(true);
  });

  it("encodes ids the way Remix's unsigned cookies are decoded", () => {
    const ids = [randomUUID(), randomUUID()];
    expect(JSON.parse(atob(encodeCartCookieValue(ids)))).toEqual(ids);
  });

  it("is written by one function, for the server and the page, with the same attributes; Secure where asked", async () => {
    const ids = [randomUUID(), randomUUID()];
    const plain = serializeCartCookie(ids, { secure: false });
    expect(plain).toMatch(/^ai_marketplace_cart=[^;]+; Path=\/; Max-Age=2592000; SameSite=Lax$/);
    expect(serializeCartCookie(ids, { secure: true })).toBe(`${plain}; Secure`);
    // What it writes is what Remix's cookie parser, the server's reader, reads.
    expect(await createCookie("ai_marketplace_cart").parse(plain.split(";")[0])).toEqual(ids);
  });

  it("reads back what the page writes, URL-encoded as in document.cookie", () => {
    const ids = [randomUUID(), randomUUID()];
    expect(decodeCartCookieValue(encodeURIComponent(encodeCartCookieValue(ids)))).toEqual(ids);
  });

  it("reads a garbled cookie as unreadable instead of throwing, and drops what is not a product id", () => {
    for (const raw of ["%%%not-base64{", "%E0%A4%A", btoa("{broken"), ""]) expect(decodeCartCookieValue(raw)).toBeNull();
    const id = randomUUID();
    expect(decodeCartCookieValue(encodeURIComponent(btoa(JSON.stringify([id, "x", 7, id]))))).toEqual([id]);
  });
});

describe("cart totals and groups", () => {
  it("sums each currency separately", () => {
    const items = [item({ price: 1250 }), item({ price: 3500 }), item({ currency: "KRW", price: 15000 })];
    expect(cartTotals(items)).toEqual({ USD: 4750, KRW: 15000 });
  });

  it("groups items by currency, USD first", () => {
    const krw = item({ currency: "KRW", price: 9900 });
    const usd = item();
    expect(groupByCurrency([krw, usd]).map((group) => [group.currency, group.items])).toEqual([
      ["USD", [usd]],
      ["KRW", [krw]],
    ]);
  });

  it("serializes only id, price and currency for checkout", () => {
    const one = item();
    expect(JSON.parse(serializeCheckoutItems([one]))).toEqual([{ id: one.id, price: one.price, currency: one.currency }]);
  });
});
