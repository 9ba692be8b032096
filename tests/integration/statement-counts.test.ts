import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { action as cartAction } from "~/routes/cart";
import { loader as successLoader } from "~/routes/checkout.$sessionId.success";
import { action as stripeWebhook } from "~/routes/webhooks.stripe";
import { installSqlCounter, type SqlCounter } from "../../scripts/bench/sql-counter";
import { usePaymentWorld, type PaymentWorld } from "../support/payment-world";
import { respond, type Visitor } from "../support/requests";
import { createProducts, createUser, itemsOf, visitorFor } from "../support/shop";
import { checkoutSessionEvent, stripeWebhookRequest } from "../support/stripe-events";

// The work per checkout and per settlement must not grow with the cart: the
// statements are counted at the database driver, BEGIN and COMMIT included.

const SIZES = [1, 10, 50] as const;
const CHECKOUT_MAX = 10;
const CHANGED_CART_MAX = 12;
const SETTLEMENT_MAX = 12;

let world: PaymentWorld;
let counter: SqlCounter;

interface Measured {
  visitor: Visitor;
  sessionId: string;
  checkout: string[];
  /** A post for another cart while the buyer's checkout is open: it ends that one first. */
  changedCart: string[];
  settlement: string[];
  successPage: string[];
}
const measured = new Map<number, Measured>();

async function paidEvent(reference: string) {
  const { body, signature } = await checkoutSessionEvent(world.stripe, "checkout.session.completed", reference);
  return stripeWebhookRequest(body, signature);
}

async function checkoutAndSettle(size: number): Promise<Measured> {
  const buyer = await createUser();
  const [earlier, ...products] = await createProducts(size + 1);
  const visitor = await visitorFor(buyer);
  const post = (cart: typeof products) =>
    counter.measure(() =>
      respond(() => cartAction({ request: visitor.post("/cart", { intent: "checkout", items: itemsOf(cart) }), params: {}, context: {} })),
    );

  const { result: posted, statements: checkout } = await post(products.slice(0, size - 1).concat(earlier));
  expect(posted.status).toBe(303);
  const { result: changed, statements: changedCart } = await post(products);
  expect(changed.status).toBe(303);
  const session = await db().checkoutSession.findFirstOrThrow({ where: { buyerId: buyer.id, status: "PENDING" }, include: { payment: true } });
  const reference = session.payment!.providerReference!;
  const paid = await world.control("POST", `/_sandbox/stripe/sessions/${reference}/pay`);
  expect(paid.status).toBe(200);

  const event = await paidEvent(reference);
  const { result: answered, statements: settlement } = await counter.measure(() =>
    respond(() => stripeWebhook({ request: event, params: {}, context: {} })),
  );
  expect(answered.status).toBe(200);
  expect(await db().order.count({ where: { checkoutSessionId: session.id, status: "PAID" } })).toBe(size);
  expect(await db().entitlement.count({ where: { userId: buyer.id } })).toBe(size);

  const page = visitor.get(`/checkout/${session.id}/success`);
  const { result: shown, statements: successPage } = await counter.measure(() =>
    respond(() => successLoader({ request: page, params: { sessionId: session.id }, context: {} })),
  );
  expect(shown.status).toBe(200);
  expect((await shown.json()).checkout.orders).toHaveLength(size);
  return { visitor, sessionId: session.id, checkout, changedCart, settlement, successPage };
}

usePaymentWorld((started) => (world = started));

beforeAll(async () => {
  // Webhooks are posted by the test itself, so nothing runs beside a measurement.
  await world.control("POST", "/_sandbox/config", { stripeWebhookUrl: null, tossWebhookUrl: null });
  counter = installSqlCounter();
  await checkoutAndSettle(2); // warms up the connection pool and Prisma's query cache
  for (const size of SIZES) measured.set(size, await checkoutAndSettle(size));
});
afterAll(() => {
  counter?.uninstall();
});

function countsOf(pick: (m: Measured) => string[]) {
  return SIZES.map((size) => pick(measured.get(size)!).length);
}

describe("statements per request do not grow with the cart", () => {
  it(`a checkout post sends the same number of statements for 1, 10 and 50 products, at most ${CHECKOUT_MAX}`, () => {
    const counts = countsOf((m) => m.checkout);
    expect(new Set(counts).size, measured.get(50)!.checkout.join("\n")).toBe(1);
    expect(counts[0]).toBeLessThanOrEqual(CHECKOUT_MAX);
  });

  it(`a post for a changed cart, ending the open checkout first, sends the same number of statements for 1, 10 and 50 products, at most ${CHANGED_CART_MAX}`, () => {
    const counts = countsOf((m) => m.changedCart);
    expect(new Set(counts).size, measured.get(50)!.changedCart.join("\n")).toBe(1);
    expect(counts[0]).toBeLessThanOrEqual(CHANGED_CART_MAX);
  });

  it(`settling a checkout from its webhook sends the same number of statements for 1, 10 and 50 orders, at most ${SETTLEMENT_MAX}`, () => {
    const counts = countsOf((m) => m.settlement);
    expect(new Set(counts).size, measured.get(50)!.settlement.join("\n")).toBe(1);
    expect(counts[0]).toBeLessThanOrEqual(SETTLEMENT_MAX);
  });

  it("the success page of a paid checkout reads 1 and 50 orders with the same one or two queries", () => {
    const [one, , fifty] = countsOf((m) => m.successPage);
    expect(one, measured.get(50)!.successPage.join("\n")).toBe(fifty);
    expect(fifty).toBeGreaterThanOrEqual(1);
    expect(fifty).toBeLessThanOrEqual(2);
  });

  it("a checkout post writes its session, orders and payment in one statement, and its settlement in one transaction", () => {
    for (const size of SIZES) {
      const { checkout, settlement } = measured.get(size)!;
      const writes = checkout.filter((sql) => /INSERT INTO (checkout_sessions|orders|payments)/.test(sql));
      expect(writes).toHaveLength(1);
      expect(writes[0]).toMatch(/INSERT INTO checkout_sessions[\s\S]*INSERT INTO orders[\s\S]*INSERT INTO payments/);
      expect(settlement.filter((sql) => sql === "BEGIN")).toHaveLength(1);
      expect(settlement.filter((sql) => sql === "COMMIT")).toHaveLength(1);
    }
  });
});
