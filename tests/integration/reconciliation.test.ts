import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { action as cartAction } from "~/routes/cart";
import { loader as successLoader } from "~/routes/checkout.$sessionId.success";
import { reconcileCheckouts } from "~/services/checkout/reconcile.server";
import { usePaymentWorld, type PaymentWorld } from "../support/payment-world";
import { respond, type Visitor } from "../support/requests";
import { createProducts, createUser, downloadCounts, itemsOf, rowCounts, visitorFor } from "../support/shop";

// Reconciliation: asking the provider before deciding. Checkouts (or their
// payments) are dated into the past so that the job finds them; runs happen
// "in the year 2001" and this file dates its rows in 2000, so a run never
// touches what other test files keep in the same database. No other file
// dates a checkout or a payment before 2002.

let world: PaymentWorld;
usePaymentWorld((started) => (world = started));

const NOW = new Date("2001-01-01T00:00:00Z");
const LONG_AGO = new Date("2000-06-01T00:00:00Z");

beforeAll(async () => {
  // What an interrupted earlier run of this file left behind.
  await db().checkoutSession.updateMany({
    where: {
      status: "PENDING",
      OR: [
        { expiresAt: { lt: new Date("2002-01-01") } },
        { createdAt: { lt: new Date("2002-01-01") } },
        { payment: { is: { updatedAt: { lt: new Date("2002-01-01") } } } },
      ],
    },
    data: { status: "EXPIRED" },
  });
});

async function openCheckout(visitor: Visitor, products: Awaited<ReturnType<typeof createProducts>>) {
  const response = await respond(() => cartAction({ request: visitor.post("/cart", { intent: "checkout", items: itemsOf(products) }), params: {}, context: {} }));
  expect(response.status).toBe(303);
  const session = await db().checkoutSession.findFirstOrThrow({ where: { checkoutUrl: response.headers.get("Location") }, include: { payment: true } });
  return { sessionId: session.id, reference: session.payment!.providerReference! };
}

describe("Stripe checkouts", () => {
  it("settles a paid checkout whose webhook and return were both lost, once", async () => {
    const buyer = await createUser();
    const visitor = await visitorFor(buyer);
    const products = await createProducts(2);
    const opened = await openCheckout(visitor, products);
    await world.control("POST", "/_sandbox/faults", { kind: "webhook_drop", provider: "stripe", target: opened.reference });
    expect(await world.payStripeSession(opened.reference)).toBe(200);
    // Old enough that a webhook should have come (RECONCILE_AFTER_MINUTES, 15 by default).
    await db().checkoutSession.update({ where: { id: opened.sessionId }, data: { createdAt: LONG_AGO } });

    expect(await reconcileCheckouts(NOW)).toMatchObject({ checked: 1, paid: 1 });
    expect((await db().checkoutSession.findUniqueOrThrow({ where: { id: opened.sessionId } })).status).toBe("PAID");
    expect(await reconcileCheckouts(NOW)).toMatchObject({ checked: 0 });
    expect(await downloadCounts(products)).toEqual([1, 1]);
    expect(await rowCounts(buyer.id)).toMatchObject({ entitlements: 2 });
  });

  it("expires an unpaid checkout past its expiry at the provider, then here", async () => {
    const buyer = await createUser();
    const opened = await openCheckout(await visitorFor(buyer), await createProducts(1));
    await db().checkoutSession.update({ where: { id: opened.sessionId }, data: { expiresAt: LONG_AGO } });
    expect(await reconcileCheckouts(NOW)).toMatchObject({ checked: 1, expired: 1 });
    expect((await db().checkoutSession.findUniqueOrThrow({ where: { id: opened.sessionId } })).status).toBe("EXPIRED");
    expect((await world.stripeSessionsOf(opened.sessionId)).map((s) => s.status)).toEqual(["expired"]);
  });

  it("leaves a checkout PENDING when the provider cannot be asked, and ends it on a later run", async () => {
    const buyer = await createUser();
    const opened = await openCheckout(await visitorFor(buyer), await createProducts(1));
    await db().checkoutSession.update({ where: { id: opened.sessionId }, data: { expiresAt: LONG_AGO } });
    await world.control("POST", "/_sandbox/faults", { kind: "latency", provider: "stripe", ms: 3000 });
    try {
      expect(await reconcileCheckouts(NOW)).toMatchObject({ checked: 1, unavailable: 1 });
    } finally {
      await world.control("DELETE", "/_sandbox/faults");
    }
    expect((await db().checkoutSession.findUniqueOrThrow({ where: { id: opened.sessionId } })).status).toBe("PENDING");
    expect((await world.stripeSessionsOf(opened.sessionId)).map((s) => s.status)).toEqual(["open"]);

    expect(await reconcileCheckouts(NOW)).toMatchObject({ checked: 1, expired: 1 });
    expect((await db().checkoutSession.findUniqueOrThrow({ where: { id: opened.sessionId } })).status).toBe("EXPIRED");
    expect((await world.stripeSessionsOf(opened.sessionId)).map((s) => s.status)).toEqual(["expired"]);
  });
});

async function startKrwCheckout(n: number) {
  const buyer = await createUser();
  const products = await createProducts(n, { currency: "KRW", price: 12000 });
  const { sessionId } = await openCheckout(await visitorFor(buyer), products);
  return { session: await db().checkoutSession.findUniqueOrThrow({ where: { id: sessionId } }) };
}

describe("TossPayments checkouts", () => {
  it("moves a stale PENDING checkout and its orders and payment to EXPIRED exactly once when two runs race", async () => {
    const { session } = await startKrwCheckout(2);
    await db().checkoutSession.update({ where: { id: session.id }, data: { expiresAt: LONG_AGO } });
    const [first, second] = await Promise.all([reconcileCheckouts(NOW), reconcileCheckouts(NOW)]);
    expect(first.expired + second.expired).toBe(1);
    expect(first.checked + second.checked).toBe(1);
    const after = await db().checkoutSession.findUniqueOrThrow({ where: { id: session.id }, include: { orders: true, payment: true } });
    expect(after.status).toBe("EXPIRED");
    expect(after.orders.every((o) => o.status === "EXPIRED")).toBe(true);
    expect(after.payment?.status).toBe("EXPIRED");
    expect((await reconcileCheckouts(NOW)).checked).toBe(0);
  });

  /** A KRW checkout approved in the window whose confirm at the return met a transient error. */
  async function approvedWithTransientConfirmError(products: Awaited<ReturnType<typeof createProducts>>) {
    const buyer = await createUser();
    const visitor = await visitorFor(buyer);
    const posted = await respond(() =>
      cartAction({ request: visitor.post("/cart", { intent: "checkout", items: itemsOf(products), enhanced: "1" }), params: {}, context: {} }),
    );
    const { sessionId, toss } = await posted.json();
    await world.control("POST", "/_sandbox/faults", { kind: "webhook_drop", provider: "toss", target: toss.payment.orderId });
    await fetch(`${world.sandbox.url}/v1/sdk/payment/window?${new URLSearchParams({ clientKey: toss.clientKey, method: toss.method, params: JSON.stringify(toss.payment) })}`, { redirect: "manual" });
    const { body } = await world.control<{ redirectUrl: string }>("POST", `/_sandbox/toss/payments/${toss.payment.orderId}/approve`);
    await world.control("POST", "/_sandbox/faults", { kind: "confirm_error", code: "FAILED_INTERNAL_SYSTEM_PROCESSING", target: toss.payment.orderId, times: 1 });
    const back = new URL(body.redirectUrl);
    await respond(() => successLoader({ request: visitor.get(`${back.pathname}${back.search}`), params: { sessionId }, context: {} }));
    expect((await db().checkoutSession.findUniqueOrThrow({ where: { id: sessionId } })).status).toBe("PENDING");
    return sessionId as string;
  }

  async function lastConfirmStatuses() {
    const { body } = await world.control<{ data: Array<{ status: number }> }>("GET", "/_sandbox/requests?method=POST&path=/v1/payments/confirm");
    return body.data.slice(-2).map((r) => r.status);
  }

  it("confirms again, under a new key, a payment whose confirm met a transient error, and settles it once", async () => {
    const products = await createProducts(2, { currency: "KRW", price: 21_000 });
    const sessionId = await approvedWithTransientConfirmError(products);

    await db().checkoutSession.update({ where: { id: sessionId }, data: { createdAt: LONG_AGO } });
    expect(await reconcileCheckouts(NOW)).toMatchObject({ checked: 1, paid: 1 });
    expect(await downloadCounts(products)).toEqual([1, 1]);
    expect(await lastConfirmStatuses()).toEqual([500, 200]);
    expect(await reconcileCheckouts(NOW)).toMatchObject({ checked: 0, paid: 0 });
    expect(await downloadCounts(products)).toEqual([1, 1]);
  });

  it("confirms a payment under way a minute after its transient error, within Toss's 10 minutes, though the checkout is new", async () => {
    const products = await createProducts(1, { currency: "KRW", price: 21_000 });
    const sessionId = await approvedWithTransientConfirmError(products);
    const checkout = await db().checkoutSession.findUniqueOrThrow({ where: { id: sessionId }, include: { payment: true } });
    expect(checkout.payment!.providerPaymentId).toBeTruthy();
    // Neither stale nor past its expiry "in 2001"; only its payment, under way since 2000, is due.
    expect(checkout.createdAt.getTime()).toBeGreaterThan(NOW.getTime());
    expect(checkout.expiresAt.getTime()).toBeGreaterThan(NOW.getTime());
    await db().payment.update({ where: { checkoutSessionId: sessionId }, data: { updatedAt: LONG_AGO } });

    expect(await reconcileCheckouts(NOW)).toMatchObject({ checked: 1, paid: 1 });
    expect((await db().checkoutSession.findUniqueOrThrow({ where: { id: sessionId } })).status).toBe("PAID");
    expect(await lastConfirmStatuses()).toEqual([500, 200]);
  });

  it("confirms again a minute after the job's own confirm met another transient error, not five minutes later", async () => {
    const products = await createProducts(1, { currency: "KRW", price: 21_000 });
    const sessionId = await approvedWithTransientConfirmError(products);
    const backdate = () => db().payment.update({ where: { checkoutSessionId: sessionId }, data: { updatedAt: LONG_AGO } });
    const reference = (await db().payment.findUniqueOrThrow({ where: { checkoutSessionId: sessionId } })).providerReference!;
    await backdate();
    await world.control("POST", "/_sandbox/faults", { kind: "confirm_error", code: "PROVIDER_ERROR", target: reference, times: 1 });
    expect(await reconcileCheckouts(NOW)).toMatchObject({ checked: 1, waiting: 1 });
    expect((await db().checkoutSession.findUniqueOrThrow({ where: { id: sessionId } })).status).toBe("PENDING");

    // A minute passes at Toss too (it refuses a lookup repeated within moments).
    await world.control("POST", "/_sandbox/clock/advance", { seconds: 60 });
    await backdate();
    expect(await reconcileCheckouts(new Date(NOW.getTime() + 2 * 60_000))).toMatchObject({ checked: 1, paid: 1 });
    expect((await db().checkoutSession.findUniqueOrThrow({ where: { id: sessionId } })).status).toBe("PAID");
  });

  it("leaves an old checkout whose window is still open, and not yet past its expiry, PENDING", async () => {
    const { session } = await startKrwCheckout(1);
    await db().checkoutSession.update({ where: { id: session.id }, data: { createdAt: LONG_AGO } });
    expect(await reconcileCheckouts(NOW)).toMatchObject({ checked: 1, waiting: 1 });
    expect((await db().checkoutSession.findUniqueOrThrow({ where: { id: session.id } })).status).toBe("PENDING");
  });
});

