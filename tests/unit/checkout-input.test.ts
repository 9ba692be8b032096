import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { MAX_CART_ITEMS } from "~/services/cart/cart";
import { parseCheckoutItems } from "~/services/checkout/input";

// What a checkout post's `items` may say, before anything is priced: the JSON
// text of the form or a value of the JSON API, each answer a message the
// shopper can act on. (Quantities: tests/unit/request-edges.test.ts.)

const item = (fields: Record<string, unknown> = {}) => ({ id: randomUUID(), price: 1500, currency: "USD", ...fields });

describe("items the checkout accepts", () => {
  it.each([
    ["the form's JSON text", (items: unknown[]) => JSON.stringify(items)],
    ["the JSON API's value", (items: unknown[]) => items],
  ])("reads %s", (_how, send) => {
    const items = [item(), item({ price: 0, currency: "KRW" }), item({ quantity: 1 })];
    expect(parseCheckoutItems(send(items))).toEqual({ ok: true, items });
  });

  it(`takes up to ${MAX_CART_ITEMS} products`, () => {
    const result = parseCheckoutItems(Array.from({ length: MAX_CART_ITEMS }, () => item()));
    expect(result.ok && result.items).toHaveLength(MAX_CART_ITEMS);
  });

  it("keeps only the fields it knows", () => {
    const sent = item();
    expect(parseCheckoutItems([{ ...sent, title: "<b>free</b>", sellerId: "x" }])).toEqual({ ok: true, items: [sent] });
  });
});

describe("items the checkout refuses, with the message the shopper reads", () => {
  const sameId = randomUUID();
  const cases: Array<[string, unknown, string]> = [
    ["no value", undefined, "No items were sent with this checkout. Reload the cart page and try again."],
    ["null", null, "No items were sent with this checkout. Reload the cart page and try again."],
    ["an empty field", "", "No items were sent with this checkout. Reload the cart page and try again."],
    ["text that is not JSON", "[{id:", "The cart could not be read. Reload the cart page and try again."],
    ["a JSON object", JSON.stringify({ id: randomUUID() }), "The items must be a list of {id, price, currency}. Reload the cart page and try again."],
    ["a number", 42, "The items must be a list of {id, price, currency}. Reload the cart page and try again."],
    ["an empty list", "[]", "The cart is empty: add a product before paying."],
    ["one product too many", Array.from({ length: MAX_CART_ITEMS + 1 }, () => item()), `A checkout holds at most ${MAX_CART_ITEMS} products.`],
    [
      "a product twice",
      [item({ id: sameId }), item({ id: sameId })],
      "Each product can be in a checkout once; reload the cart page and try again.",
    ],
    ["an id that is not a product id", [item({ id: "42" })], "Item 1: Each item needs a product id."],
    ["a price sent as text", [item(), item({ price: "15.00" })], "Item 2: Each price must be a number."],
    ["a price with cents after the point", [item({ price: 10.5 })], "Item 1: Prices are whole numbers of cents or won."],
    ["a negative price", [item({ price: -1 })], "Item 1: Prices cannot be negative."],
    ["another currency", [item(), item(), item({ currency: "EUR" })], "Item 3: Currency must be USD or KRW."],
    ["no currency", [item({ currency: undefined })], "Item 1: Currency must be USD or KRW."],
  ];

  for (const [name, value, message] of cases) {
    it(`${name}: ${message}`, () => {
      expect(parseCheckoutItems(value)).toEqual({ ok: false, message });
    });
  }

  it("names the item of a price beyond the safe integers", () => {
    const result = parseCheckoutItems([item({ price: 2 ** 60 })]);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toMatch(/^Item 1: /);
  });
});
