import { describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { STRIPE_API_VERSION } from "~/services/payments/stripe-client.server";
import { action as cartAction } from "~/routes/cart";
import { action as cancelAction } from "~/routes/checkout.$sessionId.cancel";
import { refundDuplicateLines } from "~/services/checkout/settle.server";
import { loader as libraryLoader } from "~/routes/account.purchases";
import { download } from "../support/pages";
import { usePaymentWorld, type PaymentWorld } from "../support/payment-world";
import { respond, type Visitor } from "../support/requests";
import { addFiles, createProducts, createUser, downloadCounts, itemsOf, rowCounts, visitorFor } from "../support/shop";

// One charge per purchase against Stripe's real behaviour: keys in use,
// superseded checkouts, products paid twice and disputes. Reconciliation has
// its own file (reconciliation.test.ts).

let world: PaymentWorld;
usePaymentWorld((started) => (world = started));

type Product = Awaited<ReturnType<typeof createProducts>>[number];

async function postCheckout(visitor: Visitor, products: Product[]) {
  return respond(() => cartAction({ request: visitor.post("/cart", { intent: "checkout", items: itemsOf(products) }), params: {}, context: {} }));
}

async function openCheckout(visitor: Visitor, products: Product[]) {
  const response = await postCheckout(visitor, products);
  expect(response.status).toBe(303);
  const location = response.headers.get("Location")!;
  const payment = await db().payment.findFirstOrThrow({ where: { providerReference: location.split("/").pop() } });
  return { location, reference: payment.providerReference!, sessionId: payment.checkoutSessionId };
}

async function library(visitor: Visitor) {
  const response = await respond(() => libraryLoader({ request: visitor.get("/account/purchases"), params: {}, context: {} }));
  return (await response.json()) as { owned: Array<{ product: { id: string }; suspendedAt: string | null }> };
}

describe("identical posts while the provider is slow", () => {
  it("sends every post to the one page the first opened: the others find its key in use and wait for it", async () => {
    const buyer = await createUser();
    const visitor = await visitorFor(buyer);
    const products = await createProducts(2);
    const creates = async () =>
      (await world.control<{ data: Array<{ status: number }> }>("GET", "/_sandbox/requests?method=POST&path=/v1/checkout/sessions")).body.data;
    const before = (await creates()).length;
    await world.control("POST", "/_sandbox/faults", { kind: "latency", provider: "stripe", ms: 400 });
    try {
      const responses = await Promise.all(Array.from({ length: 6 }, () => postCheckout(visitor, products)));
      expect(responses.map((r) => r.status)).toEqual(Array(6).fill(303));
      expect(new Set(responses.map((r) => r.headers.get("Location"))).size).toBe(1);
    } finally {
      await world.control("DELETE", "/_sandbox/faults");
    }
    // One create ran; the posts that sent the same key meanwhile were told it was in use.
    const statuses = (await creates()).slice(before).map((request) => request.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409).length).toBeGreaterThan(0);
    expect(statuses.every((status) => status === 200 || status === 409)).toBe(true);
    const sessions = await db().checkoutSession.findMany({ where: { buyerId: buyer.id } });
    expect(sessions.map((s) => s.status)).toEqual(["PENDING"]);
    expect(await world.stripeSessionsOf(sessions[0].id)).toHaveLength(1);
  });
});

describe("what the shop asks of Stripe", () => {
  it("pins its API version and turns adaptive pricing off, so Stripe charges the currency the shop priced", async () => {
    const visitor = await visitorFor(await createUser());
    const opened = await openCheckout(visitor, await createProducts(2));
    const session = (await fetch(`${world.base}/v1/checkout/sessions/${opened.reference}`, {
      headers: { Authorization: `Bearer ${world.keys.stripeSecretKey}` },
    }).then((r) => r.json())) as { currency: string; adaptive_pricing: { enabled: boolean } };
    expect(session.currency).toBe("usd");
    // Unset, the sandbox (as an account whose dashboard setting is on) would answer true.
    expect(session.adaptive_pricing).toEqual({ enabled: false });
    const { body: creates } = await world.control<{ data: Array<{ status: number; stripeVersion?: string }> }>(
      "GET",
      "/_sandbox/requests?method=POST&path=/v1/checkout/sessions",
    );
    expect(creates.data.at(-1)).toMatchObject({ status: 200, stripeVersion: STRIPE_API_VERSION });
  });
});

describe("one open checkout per buyer and currency", () => {
  it("expires the open checkout at the provider, then here, when the cart changes: its page can no longer be paid", async () => {
    const buyer = await createUser();
    const visitor = await visitorFor(buyer);
    const [a, b] = await createProducts(2);
    const first = await openCheckout(visitor, [a]);
    const second = await openCheckout(visitor, [a, b]);
    expect(second.sessionId).not.toBe(first.sessionId);

    expect(await db().checkoutSession.findUniqueOrThrow({ where: { id: first.sessionId } })).toMatchObject({
      status: "EXPIRED",
      failureCode: "SUPERSEDED",
    });
    expect((await world.stripeSessionsOf(first.sessionId)).map((s) => s.status)).toEqual(["expired"]);
    expect(await world.payStripeSession(first.reference)).toBe(409);
    expect(await world.payStripeSession(second.reference)).toBe(200);
    expect(await downloadCounts([a, b])).toEqual([1, 1]);
    expect(await db().order.count({ where: { buyerId: buyer.id, productId: a.id, status: "PAID" } })).toBe(1);
  });

  it("settles the open checkout instead when it was paid meanwhile, and then refuses the product already owned", async () => {
    const buyer = await createUser();
    const visitor = await visitorFor(buyer);
    const [a, b] = await createProducts(2);
    const first = await openCheckout(visitor, [a]);
    await world.control("POST", "/_sandbox/faults", { kind: "webhook_drop", provider: "stripe", target: first.reference });
    expect(await world.payStripeSession(first.reference)).toBe(200);

    const second = await postCheckout(visitor, [a, b]);
    expect(second.status).toBe(409);
    expect((await second.json()).problems).toEqual([expect.stringMatching(/You already own/)]);
    expect((await db().checkoutSession.findUniqueOrThrow({ where: { id: first.sessionId } })).status).toBe("PAID");
    expect(await rowCounts(buyer.id)).toMatchObject({ sessions: 1, entitlements: 1 });
  });

  it("keeps one checkout per currency: a USD checkout leaves the buyer's KRW one open", async () => {
    const buyer = await createUser();
    const visitor = await visitorFor(buyer);
    const [usd] = await createProducts(1);
    const [krw] = await createProducts(1, { currency: "KRW", price: 15000 });
    expect((await postCheckout(visitor, [krw])).status).toBe(303);
    expect((await postCheckout(visitor, [usd])).status).toBe(303);
    const statuses = await db().checkoutSession.findMany({ where: { buyerId: buyer.id }, select: { status: true, currency: true } });
    expect(statuses.sort((x, y) => x.currency.localeCompare(y.currency))).toEqual([
      { status: "PENDING", currency: "KRW" },
      { status: "PENDING", currency: "USD" },
    ]);
  });
});

describe("the provider's minimum", () => {
  it("refuses a USD total under $0.50 at the quote with a clear message, writing nothing", async () => {
    const buyer = await createUser();
    const products = await createProducts(1, { price: 30 });
    const response = await postCheckout(await visitorFor(buyer), products);
    expect(response.status).toBe(422);
    expect((await response.json()).problems).toEqual([expect.stringMatching(/total of \$0\.30 is below \$0\.50/)]);
    expect(await rowCounts(buyer.id)).toEqual({ sessions: 0, orders: 0, payments: 0, entitlements: 0 });
  });
});

/** Two payable pages for one product, as the migration to one open checkout per currency could leave. */
async function paidTwice() {
  const buyer = await createUser();
  const visitor = await visitorFor(buyer);
  const [a, b] = await createProducts(2, { price: 1200 });
  const files = await addFiles([a, b]);
  const first = await openCheckout(visitor, [a]);
  await db().checkoutSession.update({ where: { id: first.sessionId }, data: { status: "EXPIRED", failureCode: "SUPERSEDED" } });
  const second = await openCheckout(visitor, [a, b]);
  expect(await world.payStripeSession(first.reference)).toBe(200);
  expect(await world.payStripeSession(second.reference)).toBe(200);
  return { buyer, visitor, a, b, files, first, second };
}

describe("a product paid twice anyway", () => {
  it("counts the sale once and refunds the duplicate line through the provider, keeping the checkout PAID", async () => {
    const { buyer, a, b, first, second } = await paidTwice();
    const orders = await db().order.findMany({ where: { buyerId: buyer.id }, include: { checkoutSession: true } });
    const line = (sessionId: string, productId: string) => orders.find((o) => o.checkoutSessionId === sessionId && o.productId === productId)!;
    expect(line(first.sessionId, a.id).status).toBe("PAID");
    expect(line(second.sessionId, a.id)).toMatchObject({ status: "REFUNDED", providerRefundId: expect.stringMatching(/^re_/) });
    expect(line(second.sessionId, b.id).status).toBe("PAID");
    expect(line(second.sessionId, a.id).checkoutSession.status).toBe("PAID");
    expect(await downloadCounts([a, b])).toEqual([1, 1]);

    const { body } = await world.control<{ charge: { amount: number; amount_refunded: number; refunded: boolean } }>(
      "GET",
      `/_sandbox/stripe/sessions/${second.reference}/charge`,
    );
    expect(body.charge).toMatchObject({ amount: a.price + b.price, amount_refunded: a.price, refunded: false });
  });

  for (const applied of [false, true]) {
    it(`after a refund answered 500 (${applied ? "made all the same" : "not made"}), refunds the line exactly once under a new key`, async () => {
      await world.control("POST", "/_sandbox/faults", { kind: "refund_error", provider: "stripe", applied });
      const { buyer, a, second } = await paidTwice();
      const lineOfA = () => db().order.findFirstOrThrow({ where: { checkoutSessionId: second.sessionId, productId: a.id } });
      expect(await lineOfA()).toMatchObject({ status: "REFUNDED", providerRefundId: null, refundAttempt: 1 });

      // Stripe replays the 500 for the first key; the next attempt looks, then uses a new key if need be.
      expect(await refundDuplicateLines({ sessionId: second.sessionId })).toEqual({ due: 1, refunded: 1 });
      expect((await lineOfA()).providerRefundId).toMatch(/^re_/);
      const { body } = await world.control<{ charge: { amount_refunded: number } }>("GET", `/_sandbox/stripe/sessions/${second.reference}/charge`);
      expect(body.charge.amount_refunded).toBe(a.price);
      expect(await refundDuplicateLines({ sessionId: second.sessionId })).toEqual({ due: 0, refunded: 0 });
      expect(await db().order.count({ where: { buyerId: buyer.id, productId: a.id, status: "PAID" } })).toBe(1);
    });
  }

  it("keeps a checkout PAID whose every line was paid twice: the full refund Stripe then reports is the shop's own", async () => {
    const buyer = await createUser();
    const visitor = await visitorFor(buyer);
    const [a] = await createProducts(1, { price: 1200 });
    const first = await openCheckout(visitor, [a]);
    await db().checkoutSession.update({ where: { id: first.sessionId }, data: { status: "EXPIRED", failureCode: "SUPERSEDED" } });
    const second = await openCheckout(visitor, [a]);
    expect(await world.payStripeSession(first.reference)).toBe(200);
    expect(await world.payStripeSession(second.reference)).toBe(200);

    const { body } = await world.control<{ charge: { amount: number; amount_refunded: number; refunded: boolean } }>(
      "GET",
      `/_sandbox/stripe/sessions/${second.reference}/charge`,
    );
    // The whole charge came back, and its charge.refunded event was delivered.
    expect(body.charge).toMatchObject({ amount: a.price, amount_refunded: a.price, refunded: true });
    const settled = await db().checkoutSession.findUniqueOrThrow({ where: { id: second.sessionId }, include: { orders: true, payment: true } });
    const refundEvents = await db().webhookEvent.findMany({
      where: { eventType: "charge.refunded", payload: { path: ["data", "object", "payment_intent"], equals: settled.payment!.providerPaymentId! } },
    });
    expect(refundEvents.map((e) => Boolean(e.processedAt))).toEqual([true]);
    expect(settled.status).toBe("PAID");
    expect(settled.payment!.status).toBe("SUCCEEDED");
    expect(settled.orders.map((o) => o.status)).toEqual(["REFUNDED"]);
    expect((await db().checkoutSession.findUniqueOrThrow({ where: { id: first.sessionId } })).status).toBe("PAID");
    expect(await downloadCounts([a])).toEqual([1]);
    expect((await library(visitor)).owned.map((o) => o.product.id)).toEqual([a.id]);
  });

  it("keeps access while another PAID order grants it: refunding one of two PAID orders for a product", async () => {
    const { buyer, visitor, a, files, first, second } = await paidTwice();
    // Two PAID orders for one product, as data from before duplicate refunds could hold.
    await db().order.updateMany({ where: { checkoutSessionId: second.sessionId, productId: a.id }, data: { status: "PAID" } });
    await world.control("POST", `/_sandbox/stripe/sessions/${first.reference}/refund`);
    await world.webhooksSettled();

    expect((await db().checkoutSession.findUniqueOrThrow({ where: { id: first.sessionId } })).status).toBe("REFUNDED");
    const grant = await db().entitlement.findUniqueOrThrow({ where: { userId_productId: { userId: buyer.id, productId: a.id } } });
    expect(grant.revokedAt).toBeNull();
    expect((await library(visitor)).owned.map((o) => o.product.id)).toContain(a.id);
    const firstOrder = await db().order.findFirstOrThrow({ where: { checkoutSessionId: first.sessionId } });
    const fileOfA = files.find((f) => f.productId === a.id)!;
    expect((await download(visitor, firstOrder.id, fileOfA.id)).status).toBe(200);
  });
});

describe("disputes", () => {
  async function paidWithFiles() {
    const buyer = await createUser();
    const visitor = await visitorFor(buyer);
    const products = await createProducts(2, { price: 2000 });
    const files = await addFiles(products);
    const opened = await openCheckout(visitor, products);
    expect(await world.payStripeSession(opened.reference)).toBe(200);
    const order = await db().order.findFirstOrThrow({ where: { checkoutSessionId: opened.sessionId, productId: files[0].productId } });
    return { buyer, visitor, products, files, opened, order, file: files[0] };
  }

  async function dispute(reference: string) {
    const { body, status } = await world.control<{ dispute: { id: string } }>("POST", `/_sandbox/stripe/sessions/${reference}/dispute`);
    expect(status).toBe(200);
    await world.webhooksSettled();
    return body.dispute.id;
  }

  async function close(disputeId: string, status: "won" | "lost") {
    expect((await world.control("POST", `/_sandbox/stripe/disputes/${disputeId}/close`, { status })).status).toBe(200);
    await world.webhooksSettled();
  }

  it("suspends access while a dispute is open and restores it when the shop wins", async () => {
    const { visitor, products, order, file } = await paidWithFiles();
    const suspension = async () =>
      (await library(visitor)).owned.map((entry) => [entry.product.id, entry.suspendedAt !== null]).sort();
    const disputeId = await dispute((await db().payment.findFirstOrThrow({ where: { checkoutSessionId: order.checkoutSessionId } })).providerReference!);

    const refused = await download(visitor, order.id, file.id);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toMatch(/suspended while a dispute about its payment is open/);
    expect(await suspension()).toEqual(products.map((product) => [product.id, true]).sort());

    await close(disputeId, "won");
    expect((await download(visitor, order.id, file.id)).status).toBe(200);
    expect(await suspension()).toEqual(products.map((product) => [product.id, false]).sort());
  });

  it("ends the orders as REFUNDED and revokes access when the shop loses", async () => {
    const { buyer, visitor, opened, order, file } = await paidWithFiles();
    const disputeId = await dispute(opened.reference);
    await close(disputeId, "lost");

    const session = await db().checkoutSession.findUniqueOrThrow({ where: { id: opened.sessionId }, include: { orders: true, payment: true } });
    expect(session.status).toBe("REFUNDED");
    expect(session.orders.map((o) => o.status)).toEqual(["REFUNDED", "REFUNDED"]);
    expect(session.payment?.status).toBe("REFUNDED");
    expect(await db().entitlement.count({ where: { userId: buyer.id, revokedAt: null } })).toBe(0);
    const refused = await download(visitor, order.id, file.id);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toMatch(/refunded/);
  });
});

describe("cancelling a checkout", () => {
  it("expires the provider's page, then ends the checkout CANCELED and returns to the cart", async () => {
    const buyer = await createUser();
    const visitor = await visitorFor(buyer);
    const opened = await openCheckout(visitor, await createProducts(2));
    const response = await respond(() =>
      cancelAction({ request: visitor.post(`/checkout/${opened.sessionId}/cancel`, {}), params: { sessionId: opened.sessionId }, context: {} }),
    );
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe(`/cart?canceled=${opened.sessionId}`);
    expect((await db().checkoutSession.findUniqueOrThrow({ where: { id: opened.sessionId } })).status).toBe("CANCELED");
    expect((await world.stripeSessionsOf(opened.sessionId)).map((s) => s.status)).toEqual(["expired"]);
  });
});

describe("when Stripe's checkout.session.expired reaches the shop before the answer to the shop's expire", () => {
  // The webhook, handled first, ends the checkout EXPIRED; the shop's own end still says why.
  const eventsFirst = () => world.control("POST", "/_sandbox/faults", { kind: "events_first", provider: "stripe" });
  const expiredDelivered = async (reference: string) =>
    (await world.control<{ data: Array<{ status: string }> }>("GET", `/_sandbox/deliveries?target=${reference}&eventType=checkout.session.expired`)).body.data.map(
      (d) => d.status,
    );

  it("still ends a canceled checkout CANCELED and returns to the cart", async () => {
    const visitor = await visitorFor(await createUser());
    const opened = await openCheckout(visitor, await createProducts(2));
    await eventsFirst();
    const response = await respond(() =>
      cancelAction({ request: visitor.post(`/checkout/${opened.sessionId}/cancel`, {}), params: { sessionId: opened.sessionId }, context: {} }),
    );
    expect(await expiredDelivered(opened.reference)).toEqual(["succeeded"]);
    expect(response.headers.get("Location")).toBe(`/cart?canceled=${opened.sessionId}`);
    const session = await db().checkoutSession.findUniqueOrThrow({ where: { id: opened.sessionId }, include: { orders: true, payment: true } });
    expect(session).toMatchObject({ status: "CANCELED", failureCode: "CANCELED_BY_SHOPPER" });
    expect(session.orders.map((o) => o.status)).toEqual(["CANCELED", "CANCELED"]);
    expect(session.payment?.status).toBe("CANCELED");
  });

  it("still records a replaced checkout as SUPERSEDED", async () => {
    const visitor = await visitorFor(await createUser());
    const [a, b] = await createProducts(2);
    const first = await openCheckout(visitor, [a]);
    await eventsFirst();
    await openCheckout(visitor, [a, b]);
    expect(await expiredDelivered(first.reference)).toEqual(["succeeded"]);
    expect(await db().checkoutSession.findUniqueOrThrow({ where: { id: first.sessionId } })).toMatchObject({ status: "EXPIRED", failureCode: "SUPERSEDED" });
  });
});

describe("when Stripe cannot be asked to close the open page", () => {
  // Stripe answers after the shop's timeout: the shop cannot know the page was closed.
  const slowStripe = () => world.control("POST", "/_sandbox/faults", { kind: "latency", provider: "stripe", ms: 2_500, times: 1 });

  it("keeps the open checkout and opens no other when the cart changes, and says to try again; the next try replaces it", async () => {
    const buyer = await createUser();
    const visitor = await visitorFor(buyer);
    const [a, b] = await createProducts(2);
    const first = await openCheckout(visitor, [a]);
    await slowStripe();
    const refused = await postCheckout(visitor, [a, b]);
    expect(refused.status).toBe(502);
    expect(await refused.text()).toContain("Your earlier checkout could not be closed at the payment provider just now. Nothing was charged");
    expect(await db().checkoutSession.findMany({ where: { buyerId: buyer.id }, select: { id: true, status: true } })).toEqual([
      { id: first.sessionId, status: "PENDING" },
    ]);

    const second = await openCheckout(visitor, [a, b]);
    expect(await db().checkoutSession.findUniqueOrThrow({ where: { id: first.sessionId } })).toMatchObject({ status: "EXPIRED", failureCode: "SUPERSEDED" });
    expect((await world.stripeSessionsOf(first.sessionId)).map((s) => s.status)).toEqual(["expired"]);
    expect(await world.payStripeSession(second.reference)).toBe(200);
  });

  it("answers a cancel 503 with Retry-After and leaves the checkout open; the next cancel ends it", async () => {
    const visitor = await visitorFor(await createUser());
    const opened = await openCheckout(visitor, await createProducts(1));
    const cancel = () =>
      respond(() => cancelAction({ request: visitor.post(`/checkout/${opened.sessionId}/cancel`, {}), params: { sessionId: opened.sessionId }, context: {} }));
    await slowStripe();
    const refused = await cancel();
    expect(refused.status).toBe(503);
    expect(refused.headers.get("Retry-After")).toBe("5");
    expect(await refused.text()).toMatch(/could not be reached.*still open\. Nothing was charged; please try again/);
    expect((await db().checkoutSession.findUniqueOrThrow({ where: { id: opened.sessionId } })).status).toBe("PENDING");

    const again = await cancel();
    expect(again.status).toBe(303);
    expect(again.headers.get("Location")).toBe(`/cart?canceled=${opened.sessionId}`);
    expect((await db().checkoutSession.findUniqueOrThrow({ where: { id: opened.sessionId } })).status).toBe("CANCELED");
  });
});
