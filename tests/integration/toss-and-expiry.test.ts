import { describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { action as apiCheckout } from "~/routes/api.cart.checkout";
import { action as cartAction } from "~/routes/cart";
import { loader as failLoader } from "~/routes/checkout.$sessionId.fail";
import { action as tossWebhook } from "~/routes/webhooks.toss";
import { visitSuccessPage } from "../support/pages";
import { usePaymentWorld, type PaymentWorld } from "../support/payment-world";
import { respond, type Visitor } from "../support/requests";
import { createProducts, createUser, itemsOf, rowCounts, visitorFor } from "../support/shop";

let world: PaymentWorld;
usePaymentWorld((started) => (world = started));

async function startKrwCheckout(n = 3) {
  const buyer = await createUser();
  const products = await createProducts(n, { currency: "KRW", price: 12000 });
  const visitor = await visitorFor(buyer);
  const response = await respond(() =>
    cartAction({ request: visitor.post("/cart", { intent: "checkout", items: itemsOf(products) }), params: {}, context: {} }),
  );
  expect(response.status).toBe(303);
  const session = await db().checkoutSession.findFirstOrThrow({ where: { buyerId: buyer.id }, include: { payment: true, orders: true } });
  return { buyer, products, visitor, session, orderId: session.payment!.providerReference! };
}

/** Follows Toss's redirect back to the shop; the page drops the paymentKey from its address at once. */
async function returnTo(visitor: Visitor, sessionId: string, redirectUrl: string) {
  const url = new URL(redirectUrl);
  const visit = await visitSuccessPage(visitor, sessionId, `${url.pathname}${url.search}`);
  expect(visit.answers[0].headers.get("Location")).toBe(`/checkout/${sessionId}/success`);
  return visit;
}

async function postTossWebhook(body: unknown) {
  const request = new Request("http://localhost/webhooks/toss", {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "Content-Type": "application/json" },
  });
  return respond(() => tossWebhook({ request, params: {}, context: {} }));
}

describe("TossPayments", () => {
  it("confirms on the success return and settles every order", async () => {
    const { buyer, visitor, session, orderId } = await startKrwCheckout();
    await world.control("POST", "/_sandbox/faults", { kind: "webhook_drop", provider: "toss", target: orderId });
    const { body } = await world.control<{ redirectUrl: string }>("POST", `/_sandbox/toss/payments/${orderId}/approve`);
    const { data } = await returnTo(visitor, session.id, body.redirectUrl);
    expect(data.checkout.status).toBe("PAID");
    expect(await rowCounts(buyer.id)).toMatchObject({ sessions: 1, orders: 3, entitlements: 3 });
  });

  it("refuses a success return whose amount was tampered with: FAILED, never confirmed", async () => {
    const { buyer, visitor, session, orderId } = await startKrwCheckout();
    const { body } = await world.control<{ redirectUrl: string }>("POST", `/_sandbox/toss/payments/${orderId}/approve`);
    const tampered = new URL(body.redirectUrl);
    tampered.searchParams.set("amount", "100");
    const { checkout } = (await returnTo(visitor, session.id, tampered.toString())).data;
    expect(checkout.status).toBe("FAILED");
    expect(checkout.failureMessage).toBe(
      `The payment window reported 100 won, but this order is ${session.total} won; it was not confirmed.`,
    );
    expect((await rowCounts(buyer.id)).entitlements).toBe(0);
    const deliveries = await world.control<{ data: Array<{ eventType: string }> }>("GET", `/_sandbox/deliveries?provider=toss&target=${orderId}`);
    expect(deliveries.body.data.map((d) => d.eventType)).not.toContain("PAYMENT_STATUS_CHANGED:DONE");
  });

  it("records a declined window as FAILED in the shop's own words, whatever message the query carries", async () => {
    const { visitor, session, orderId } = await startKrwCheckout(1);
    // Only the redirect, not the ABORTED webhook that races it, should decide the recorded reason here.
    await world.control("POST", "/_sandbox/faults", { kind: "webhook_drop", provider: "toss", target: orderId });
    const { body } = await world.control<{ redirectUrl: string }>("POST", `/_sandbox/toss/payments/${orderId}/decline`);
    const url = new URL(body.redirectUrl);
    url.searchParams.set("message", "<script>alert(1)</script> call 010-0000-0000 for a refund");
    const response = await respond(() =>
      failLoader({ request: visitor.get(`${url.pathname}${url.search}`), params: { sessionId: session.id }, context: {} }),
    );
    expect(response.status).toBe(303);
    const after = await db().checkoutSession.findUniqueOrThrow({ where: { id: session.id } });
    expect(after).toMatchObject({ status: "FAILED", failureCode: "REJECT_CARD_COMPANY" });
    expect(after.failureMessage).toBe("The card company declined the payment; nothing was charged. Try another card.");
  });

  it("ends a checkout whose window the shopper closed CANCELED, and goes back to the cart", async () => {
    const { visitor, session, orderId } = await startKrwCheckout(1);
    const { body } = await world.control<{ redirectUrl: string }>("POST", `/_sandbox/toss/payments/${orderId}/close`);
    const url = new URL(body.redirectUrl);
    expect(url.searchParams.get("code")).toBe("PAY_PROCESS_CANCELED");
    const response = await respond(() =>
      failLoader({ request: visitor.get(`${url.pathname}${url.search}`), params: { sessionId: session.id }, context: {} }),
    );
    expect(response.headers.get("Location")).toBe(`/cart?canceled=${session.id}`);
    expect(await db().checkoutSession.findUniqueOrThrow({ where: { id: session.id } })).toMatchObject({
      status: "CANCELED",
      failureCode: "PAY_PROCESS_CANCELED",
    });
  });

  it("settles from a webhook by re-fetching the payment, ignoring the payload's claims", async () => {
    const { buyer, visitor, session, orderId } = await startKrwCheckout();
    const { body } = await world.control<{ redirectUrl: string; payment: { paymentKey: string } }>(
      "POST",
      `/_sandbox/toss/payments/${orderId}/approve`,
    );
    // A forged "DONE" before anyone confirmed: the API still says IN_PROGRESS, so nothing settles.
    const forged = await postTossWebhook({
      eventType: "PAYMENT_STATUS_CHANGED",
      createdAt: "2026-11-26T10:00:00.000",
      data: { paymentKey: body.payment.paymentKey, orderId, status: "DONE", totalAmount: 36000 },
    });
    expect(forged.status).toBe(200);
    expect((await db().checkoutSession.findUniqueOrThrow({ where: { id: session.id } })).status).toBe("PENDING");

    await returnTo(visitor, session.id, body.redirectUrl);
    await world.webhooksSettled();
    expect(await rowCounts(buyer.id)).toMatchObject({ entitlements: 3 });
  });

  it("answers a webhook for a paymentKey Toss does not know with 200 and stores nothing", async () => {
    const { orderId } = await startKrwCheckout();
    const paymentKey = `no-such-payment-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const answer = await postTossWebhook({ eventType: "PAYMENT_STATUS_CHANGED", data: { paymentKey, orderId } });
    expect(answer.status).toBe(200);
    expect((await answer.json()).ignored).toMatch(/no such payment/);
    expect(await db().webhookEvent.count({ where: { provider: "TOSS", eventId: { contains: paymentKey } } })).toBe(0);
  });

  it("refuses a webhook that is not a payment event with 400", async () => {
    expect((await postTossWebhook({ hello: "world" })).status).toBe(400);
  });
});

describe("/api/cart/checkout", () => {
  it("answers JSON with the session and the provider's URL, through the same service", async () => {
    const buyer = await createUser();
    const products = await createProducts(2);
    const visitor = await visitorFor(buyer);
    const base = visitor.get("/api/cart/checkout");
    const request = new Request(base.url, {
      method: "POST",
      headers: { Cookie: base.headers.get("Cookie") ?? "", "Content-Type": "application/json" },
      body: JSON.stringify({ items: JSON.parse(itemsOf(products)) }),
    });
    const response = await respond(() => apiCheckout({ request, params: {}, context: {} }));
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.redirectUrl).toMatch(/\/c\/pay\/cs_test_/);
    expect(await db().checkoutSession.findUnique({ where: { id: body.sessionId } })).toMatchObject({ buyerId: buyer.id });
  });

  it("refuses a form post (415) and a visitor without a session (401)", async () => {
    const asForm = new Request("http://localhost/api/cart/checkout", { method: "POST", body: new URLSearchParams({ items: "[]" }) });
    expect((await respond(() => apiCheckout({ request: asForm, params: {}, context: {} }))).status).toBe(415);
    const anonymous = new Request("http://localhost/api/cart/checkout", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{}",
    });
    expect((await respond(() => apiCheckout({ request: anonymous, params: {}, context: {} }))).status).toBe(401);
  });
});
