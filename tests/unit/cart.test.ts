import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  cartTotals,
  encodeCartCookieValue,
  groupByCurrency,
  MAX_CART_ITEMS,
  parseCartIds,
  parseStoredCart,
  serializeCheckoutItems,
  type CartItem,
} from "~/services/cart";

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

describe("parsing the stored cart", () => {
  it("reads a well-formed cart", () => {
    const items = [item(), item({ currency: "KRW", price: 15000 })];
    expect(parseStoredCart(JSON.stringify(items))).toEqual({ items, discarded: 0, truncated: false });
  });

  it("gives an empty cart for nothing stored", () => {
    expect(parseStoredCart(null)).toEqual({ items: [], discarded: 0, truncated: false });
    expect(parseStoredCart("")).toEqual({ items: [], discarded: 0, truncated: false });
  });

  it("discards broken JSON without throwing", () => {
    for (const raw of ["{", "[{]", "undefined", "NaN", "\u0000"]) {
      expect(parseStoredCart(raw)).toEqual({ items: [], discarded: 1, truncated: false });
    }
  });

  it("discards a stored value that is not a list", () => {
    expect(parseStoredCart(JSON.stringify({ items: [item()] })).items).toEqual([]);
    expect(parseStoredCart("42").items).toEqual([]);
    expect(parseStoredCart('"cart"').items).toEqual([]);
  });

  it("drops entries of the wrong types and keeps the good ones", () => {
    const good = item();
    const raw = JSON.stringify([
      good,
      { ...item(), price: "12.50" },
      { ...item(), price: 12.5 },
      { ...item(), price: -100 },
      { ...item(), id: "1; DROP TABLE products" },
      { ...item(), seller: null },
      null,
      "abc",
      7,
    ]);
    expect(parseStoredCart(raw)).toEqual({ items: [good], discarded: 8, truncated: false });
  });

  it("drops entries with an unknown currency", () => {
    const raw = JSON.stringify([{ ...item(), currency: "EUR" }, { ...item(), currency: "usd" }]);
    expect(parseStoredCart(raw)).toMatchObject({ items: [], discarded: 2 });
  });

  it("counts a duplicated product once", () => {
    const one = item();
    const parsed = parseStoredCart(JSON.stringify([one, { ...one }, one]));
    expect(parsed.items).toEqual([one]);
  });

  it(`keeps at most ${MAX_CART_ITEMS} of 10,000 entries and says it cut the rest`, () => {
    const many = Array.from({ length: 10_000 }, () => item());
    const parsed = parseStoredCart(JSON.stringify(many));
    expect(parsed.items).toHaveLength(MAX_CART_ITEMS);
    expect(parsed.items).toEqual(many.slice(0, MAX_CART_ITEMS));
    expect(parsed.truncated).toBe(true);
  });
});

describe("parsing the cookie's product ids", () => {
  it("keeps valid unique ids in order", () => {
    const [a, b] = [randomUUID(), randomUUID()];
    expect(parseCartIds([a, b, a, "nope", 3, null]).items.map((i) => i.id)).toEqual([a, b]);
  });

  it("gives an empty cart for anything that is not a list", () => {
    for (const value of [null, undefined, "abc", { ids: [] }, 5]) expect(parseCartIds(value).items).toEqual([]);
  });

  it("encodes ids the way Remix's unsigned cookies are decoded", () => {
    const ids = [randomUUID(), randomUUID()];
    expect(JSON.parse(atob(encodeCartCookieValue(ids)))).toEqual(ids);
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
