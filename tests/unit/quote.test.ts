import { randomUUID } from "node:crypto";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { QuotedProduct } from "~/models/product.server";
import type { CheckoutItemInput } from "~/services/checkout/input";
import { quoteCart, quoteHash } from "~/services/checkout/quote.server";

// The quote's rules, against a catalog held in memory: the one query the quote
// makes (findProductsForBuyer) answers from it.

const catalog = new Map<string, QuotedProduct>();
const findProductsForBuyer = vi.hoisted(() => vi.fn());
vi.mock("~/models/product.server", () => ({ findProductsForBuyer }));

const BUYER = { id: randomUUID() };

function product(title: string, fields: Partial<QuotedProduct> = {}): QuotedProduct {
  const made: QuotedProduct = { id: randomUUID(), title, price: 1000, currency: "USD", published: true, sellerId: randomUUID(), owned: false, ...fields };
  catalog.set(made.id, made);
  return made;
}

/** The item the shopper's cart sends for `p`, as they last saw it. */
const seen = (p: QuotedProduct, shown: Partial<CheckoutItemInput> = {}): CheckoutItemInput => ({ id: p.id, price: p.price, currency: p.currency, ...shown });

const gone = (): CheckoutItemInput => ({ id: randomUUID(), price: 1000, currency: "USD" });

beforeEach(() => {
  catalog.clear();
  findProductsForBuyer.mockReset();
  findProductsForBuyer.mockImplementation(async (_buyerId: string, ids: readonly string[]) =>
    ids.flatMap((id) => (catalog.has(id) ? [catalog.get(id)!] : [])),
  );
});

describe("a cart the shopper can buy", () => {
  const cases: Array<[string, () => CheckoutItemInput[], { currency: string; total: number; provider: string; titles: string[] }]> = [
    ["one USD product", () => [seen(product("Prompt pack", { price: 1250 }))], { currency: "USD", total: 1250, provider: "STRIPE", titles: ["Prompt pack"] }],
    [
      "three USD products, priced as the database says",
      () => [seen(product("A", { price: 1500 })), seen(product("B", { price: 499 })), seen(product("C", { price: 2000 }))],
      { currency: "USD", total: 3999, provider: "STRIPE", titles: ["A", "B", "C"] },
    ],
    [
      "two KRW products, paid through TossPayments",
      () => [seen(product("데이터셋", { price: 15000, currency: "KRW" })), seen(product("프롬프트", { price: 9900, currency: "KRW" }))],
      { currency: "KRW", total: 24900, provider: "TOSS", titles: ["데이터셋", "프롬프트"] },
    ],
    [
      "the same product twice, counted once",
      () => {
        const once = product("Dataset", { price: 700 });
        return [seen(once), seen(once)];
      },
      { currency: "USD", total: 700, provider: "STRIPE", titles: ["Dataset"] },
    ],
    ["exactly the USD minimum ($0.50)", () => [seen(product("Cheap", { price: 50 }))], { currency: "USD", total: 50, provider: "STRIPE", titles: ["Cheap"] }],
    ["exactly the KRW minimum (₩100)", () => [seen(product("싼 것", { price: 100, currency: "KRW" }))], { currency: "KRW", total: 100, provider: "TOSS", titles: ["싼 것"] }],
  ];

  for (const [name, cart, expected] of cases) {
    it(`quotes ${name}`, async () => {
      const items = cart();
      const result = await quoteCart(BUYER, items);
      if (!result.ok) throw new Error(`refused: ${result.problems.join(" ")}`);
      const { quote } = result;
      expect({ currency: quote.currency, total: quote.total, provider: quote.provider, titles: quote.lines.map((line) => line.title) }).toEqual(expected);
      expect(quote.lines.map((line) => line.amount)).toEqual(quote.lines.map((line) => catalog.get(line.productId)!.price));
      expect(quote.hash).toBe(quoteHash(BUYER.id, quote.currency, quote.lines));
      // One query, for each product once.
      expect(findProductsForBuyer).toHaveBeenCalledTimes(1);
      expect(findProductsForBuyer).toHaveBeenCalledWith(BUYER.id, [...new Set(items.map((item) => item.id))]);
    });
  }
});

describe("a cart the quote refuses", () => {
  const cases: Array<[string, () => CheckoutItemInput[], "changed" | "not-for-sale" | "below-minimum", string[]]> = [
    [
      "a price that changed since the shopper saw it",
      () => [seen(product("Prompt pack", { price: 1250 }), { price: 1000 })],
      "changed",
      ["The price of Prompt pack changed from $10.00 to $12.50."],
    ],
    [
      "a product whose currency changed (shown as sent)",
      () => [seen(product("Dataset", { price: 1250, currency: "USD" }), { price: 15000, currency: "KRW" })],
      "changed",
      ["The price of Dataset changed from 15000 KRW to $12.50."],
    ],
    [
      "dollars and won in one payment",
      () => [seen(product("USD pack")), seen(product("원화 팩", { price: 5000, currency: "KRW" }))],
      "changed",
      ["This payment mixes US dollars and won. Pay for each currency separately."],
    ],
    ["an unpublished product", () => [seen(product("Retired", { published: false }))], "not-for-sale", ["Retired is no longer for sale."]],
    ["a product that no longer exists", () => [gone()], "not-for-sale", ["A product in your cart no longer exists."]],
    [
      "the buyer's own listing",
      () => [seen(product("Mine", { sellerId: BUYER.id }))],
      "not-for-sale",
      ["Mine is your own product; sellers cannot buy their own listings."],
    ],
    ["a product the buyer owns", () => [seen(product("Owned", { owned: true }))], "not-for-sale", ["You already own Owned; it is in your library."]],
    [
      "three products not for sale, each named in cart order",
      () => [seen(product("Retired", { published: false })), gone(), seen(product("Owned", { owned: true }))],
      "not-for-sale",
      ["Retired is no longer for sale.", "A product in your cart no longer exists.", "You already own Owned; it is in your library."],
    ],
    [
      "a product not for sale beside a changed price (the change decides the reason; every problem is listed in cart order)",
      () => [seen(product("Owned", { owned: true })), seen(product("Repriced", { price: 900 }), { price: 800 }), seen(product("Fine"))],
      "changed",
      ["You already own Owned; it is in your library.", "The price of Repriced changed from $8.00 to $9.00."],
    ],
    [
      "a USD total under $0.50",
      () => [seen(product("Tiny", { price: 49 }))],
      "below-minimum",
      [
        "The total of $0.49 is below $0.50, the smallest payment the card provider accepts. Add another product to pay for this cart.",
      ],
    ],
    [
      "a KRW total under ₩100",
      () => [seen(product("아주 싼 것", { price: 99, currency: "KRW" }))],
      "below-minimum",
      ["The total of ₩99 is below ₩100, the smallest payment the card provider accepts. Add another product to pay for this cart."],
    ],
  ];

  for (const [name, cart, reason, problems] of cases) {
    it(`refuses ${name} as ${reason}`, async () => {
      const result = await quoteCart(BUYER, cart());
      expect(result).toEqual({ ok: false, reason, problems });
    });
  }

  it("does not ask the database about a cart that mixes currencies", async () => {
    await quoteCart(BUYER, [seen(product("USD pack")), seen(product("원화 팩", { price: 5000, currency: "KRW" }))]);
    expect(findProductsForBuyer).not.toHaveBeenCalled();
  });
});

describe("the quote's hash", () => {
  const a = { productId: "a", title: "A", amount: 1000 };
  const b = { productId: "b", title: "B", amount: 2000 };

  it("is the same for the same buyer, currency and lines in any order, whatever the titles", () => {
    expect(quoteHash("buyer-1", "USD", [a, b])).toBe(quoteHash("buyer-1", "USD", [b, { ...a, title: "Renamed" }]));
    expect(quoteHash("buyer-1", "USD", [a, b])).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ["another buyer", () => quoteHash("buyer-2", "USD", [a, b])],
    ["another currency", () => quoteHash("buyer-1", "KRW", [a, b])],
    ["another amount", () => quoteHash("buyer-1", "USD", [a, { ...b, amount: 2001 }])],
    ["a line fewer", () => quoteHash("buyer-1", "USD", [a])],
  ])("differs for %s", (_name, other) => {
    expect(other()).not.toBe(quoteHash("buyer-1", "USD", [a, b]));
  });
});
