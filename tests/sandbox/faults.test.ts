import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { sandboxStripe, tossAuthorization } from "../support/sandbox";
import { waitFor } from "../support/wait";
import { KEYS, type TestSandbox, stripeEvents, threeItemCheckout, tossEvents, tossWindowRequest, useTestSandbox } from "./support.ts";

let t: TestSandbox;

useTestSandbox((sandbox) => (t = sandbox));

describe("faults on create", () => {
  it("create_error: the next Stripe create answers 500 api_error, the one after succeeds", async () => {
    await t.fault({ kind: "create_error", provider: "stripe" });
    const error = await t.stripe.checkout.sessions.create(threeItemCheckout()).catch((e) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect(error.statusCode).toBe(500);

    const next = await t.stripe.checkout.sessions.create(threeItemCheckout());
    expect(next.status).toBe("open");
  });

  it("create_error: a Toss create answers 500 FAILED_INTERNAL_SYSTEM_PROCESSING for the targeted orderId", async () => {
    await t.fault({ kind: "create_error", provider: "toss", target: "fault_target_500" });
    const hit = await t.toss("POST", "/v1/payments", tossWindowRequest({ orderId: "fault_target_500" }));
    expect(hit.status).toBe(500);
    expect(hit.body.code).toBe("FAILED_INTERNAL_SYSTEM_PROCESSING");
    const other = await t.toss("POST", "/v1/payments", tossWindowRequest());
    expect(other.status).toBe(200);
  });

  it("create_hang: the SDK times out because the sandbox never answers", async () => {
    await t.fault({ kind: "create_hang", provider: "stripe", ms: 2000 });
    const impatient = sandboxStripe(t.sandbox.port, { secretKey: KEYS.stripeSecretKey, timeoutMs: 200 });
    const started = Date.now();
    const error = await impatient.checkout.sessions.create(threeItemCheckout()).catch((e) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeConnectionError);
    expect(Date.now() - started).toBeLessThan(1500);

    await t.fault({ kind: "create_hang", provider: "toss", ms: 2000 });
    const tossStarted = Date.now();
    const aborted = await fetch(`${t.base}/v1/payments`, {
      method: "POST",
      headers: {
        Authorization: tossAuthorization(KEYS.tossSecretKey),
        "Content-Type": "application/json",
      },
      body: JSON.stringify(tossWindowRequest()),
      signal: AbortSignal.timeout(200),
    })
      .then(() => "answered")
      .catch((e: Error) => e.name);
    expect(aborted).toBe("TimeoutError");
    expect(Date.now() - tossStarted).toBeLessThan(1500);
    expect(aborted).not.toBe("answered");
  });

  it("create_slow: the create answers correctly but only after the delay", async () => {
    await t.fault({ kind: "create_slow", provider: "stripe", ms: 300 });
    const started = Date.now();
    const session = await t.stripe.checkout.sessions.create(threeItemCheckout());
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(session.status).toBe("open");
  });
});

describe("faults on payment", () => {
  it("payment_declined: paying the targeted Stripe session is declined and the session stays open", async () => {
    const session = await t.stripe.checkout.sessions.create(threeItemCheckout());
    await t.fault({ kind: "payment_declined", provider: "stripe", target: session.id });

    const page = await fetch(`${session.url}/pay`, { method: "POST", redirect: "manual" });
    expect(page.status).toBe(402);
    expect(await page.text()).toContain("Your card was declined.");
    const control = await t.control("POST", `/_sandbox/stripe/sessions/${session.id}/pay`);
    expect(control.status).toBe(402);
    const retrieved = await t.stripe.checkout.sessions.retrieve(session.id);
    expect([retrieved.status, retrieved.payment_status]).toEqual(["open", "unpaid"]);
    await t.webhooksSettled();
    expect(stripeEvents(t.receiver)).toEqual([]);
  });

  it("payment_declined: approving the Toss window is declined with REJECT_CARD_COMPANY", async () => {
    const created = await t.toss("POST", "/v1/payments", tossWindowRequest());
    await t.fault({ kind: "payment_declined", provider: "toss", target: created.body.orderId });
    const response = await t.control("POST", `/_sandbox/toss/payments/${created.body.orderId}/approve`);
    expect(new URL(response.body.redirectUrl).searchParams.get("code")).toBe("REJECT_CARD_COMPANY");
    expect(response.body.payment.status).toBe("ABORTED");
  });

  it("amount_mismatch: Stripe reports a total different from the one requested", async () => {
    const session = await t.stripe.checkout.sessions.create(threeItemCheckout());
    await t.fault({ kind: "amount_mismatch", provider: "stripe", target: session.id, amount: 100 });
    await t.control("POST", `/_sandbox/stripe/sessions/${session.id}/pay`);

    const retrieved = await t.stripe.checkout.sessions.retrieve(session.id);
    expect(retrieved.amount_total).toBe(100);
    const [event] = await waitFor("the Stripe events", () => stripeEvents(t.receiver).length > 0 && stripeEvents(t.receiver));
    expect(event.data.object.amount_total).toBe(100);
  });

  it("amount_mismatch: the Toss success redirect carries another amount, and confirm only accepts that one", async () => {
    const created = (await t.toss("POST", "/v1/payments", tossWindowRequest())).body;
    await t.fault({ kind: "amount_mismatch", provider: "toss", delta: 500 });
    const approved = await t.control("POST", `/_sandbox/toss/payments/${created.paymentKey}/approve`);
    const reported = Number(new URL(approved.body.redirectUrl).searchParams.get("amount"));
    expect(reported).toBe(created.totalAmount + 500);

    const requested = await t.toss("POST", "/v1/payments/confirm", { paymentKey: created.paymentKey, orderId: created.orderId, amount: created.totalAmount });
    expect(requested.status).toBe(400);
  });

  it("confirm_error with a transient code: confirm answers it once, the key replays it, and a new key succeeds", async () => {
    const created = (await t.toss("POST", "/v1/payments", tossWindowRequest())).body;
    await t.control("POST", `/_sandbox/toss/payments/${created.paymentKey}/approve`);
    await t.fault({ kind: "confirm_error", code: "PROVIDER_ERROR", target: created.orderId, times: 1 });
    const body = { paymentKey: created.paymentKey, orderId: created.orderId, amount: created.totalAmount };

    const failed = await t.toss("POST", "/v1/payments/confirm", body, { "Idempotency-Key": "k1" });
    expect(failed).toEqual({ status: 400, body: { code: "PROVIDER_ERROR", message: expect.stringContaining("잠시 후 다시 시도") } });
    expect(await t.toss("POST", "/v1/payments/confirm", body, { "Idempotency-Key": "k1" })).toEqual(failed);
    const retried = await t.toss("POST", "/v1/payments/confirm", body, { "Idempotency-Key": "k2" });
    expect(retried.status).toBe(200);
    expect(retried.body.status).toBe("DONE");
  });

  it("confirm_error with a decline: 403 REJECT_CARD_PAYMENT, the payment ABORTED with its failure, and no later confirm", async () => {
    const created = (await t.toss("POST", "/v1/payments", tossWindowRequest())).body;
    await t.control("POST", `/_sandbox/toss/payments/${created.paymentKey}/approve`);
    await t.fault({ kind: "confirm_error", code: "REJECT_CARD_PAYMENT", target: created.orderId });
    const body = { paymentKey: created.paymentKey, orderId: created.orderId, amount: created.totalAmount };

    const declined = await t.toss("POST", "/v1/payments/confirm", body);
    expect(declined).toEqual({ status: 403, body: { code: "REJECT_CARD_PAYMENT", message: "한도초과 혹은 잔액부족으로 결제에 실패했습니다." } });
    const looked = await t.toss("GET", `/v1/payments/${created.paymentKey}`);
    expect(looked.body).toMatchObject({ status: "ABORTED", failure: { code: "REJECT_CARD_PAYMENT" } });
    expect((await t.toss("POST", "/v1/payments/confirm", body)).body.code).toBe("NOT_FOUND_PAYMENT_SESSION");
  });

  it("refuses a confirm_error fault with a code Toss does not document for confirm", async () => {
    const answer = await t.control("POST", "/_sandbox/faults", { kind: "confirm_error", code: "MADE_UP" });
    expect(answer.status).toBe(400);
  });

  it("async_payment succeeded: completed arrives unpaid, then async_payment_succeeded and the session is paid", async () => {
    await t.fault({ kind: "async_payment", outcome: "succeeded", delayMs: 100 });
    const session = await t.stripe.checkout.sessions.create(threeItemCheckout());
    await t.control("POST", `/_sandbox/stripe/sessions/${session.id}/pay`);

    const events = await waitFor("the Stripe events", () => stripeEvents(t.receiver).length === 2 && stripeEvents(t.receiver));
    expect(events.map((e) => [e.type, e.data.object.payment_status])).toEqual([
      ["checkout.session.completed", "unpaid"],
      ["checkout.session.async_payment_succeeded", "paid"],
    ]);
    const retrieved = await t.stripe.checkout.sessions.retrieve(session.id, { expand: ["payment_intent"] });
    expect(retrieved.payment_status).toBe("paid");
    expect((retrieved.payment_intent as Stripe.PaymentIntent).status).toBe("succeeded");
  });

  it("async_payment failed: completed arrives unpaid, then async_payment_failed and it stays unpaid", async () => {
    const session = await t.stripe.checkout.sessions.create(threeItemCheckout());
    await t.fault({ kind: "async_payment", outcome: "failed", delayMs: 50, target: session.id });
    await t.control("POST", `/_sandbox/stripe/sessions/${session.id}/pay`);

    const events = await waitFor("the Stripe events", () => stripeEvents(t.receiver).length === 2 && stripeEvents(t.receiver));
    expect(events.map((e) => e.type)).toEqual(["checkout.session.completed", "checkout.session.async_payment_failed"]);
    const retrieved = await t.stripe.checkout.sessions.retrieve(session.id);
    expect([retrieved.status, retrieved.payment_status]).toEqual(["complete", "unpaid"]);
  });
});

describe("faults on webhooks", () => {
  it("webhook_duplicate: the same event is delivered N times", async () => {
    const session = await t.stripe.checkout.sessions.create(threeItemCheckout());
    await t.fault({ kind: "webhook_duplicate", provider: "stripe", target: session.id, count: 3 });
    await t.control("POST", `/_sandbox/stripe/sessions/${session.id}/pay`);

    const events = await waitFor("the Stripe events", () => stripeEvents(t.receiver).length === 3 && stripeEvents(t.receiver));
    expect(new Set(events.map((e) => e.id)).size).toBe(1);
    expect(events[0].type).toBe("checkout.session.completed");
  });

  it("webhook_out_of_order: checkout.session.expired arrives before checkout.session.completed", async () => {
    const session = await t.stripe.checkout.sessions.create(threeItemCheckout());
    await t.fault({ kind: "webhook_out_of_order", provider: "stripe", target: session.id, gapMs: 50 });
    await t.control("POST", `/_sandbox/stripe/sessions/${session.id}/pay`);

    const events = await waitFor("the Stripe events", () => stripeEvents(t.receiver).length === 2 && stripeEvents(t.receiver));
    expect(events.map((e) => [e.type, e.data.object.id])).toEqual([
      ["checkout.session.expired", session.id],
      ["checkout.session.completed", session.id],
    ]);
    expect((await t.stripe.checkout.sessions.retrieve(session.id)).payment_status).toBe("paid");
  });

  it("webhook_out_of_order: Toss sends EXPIRED before DONE", async () => {
    const created = (await t.toss("POST", "/v1/payments", tossWindowRequest())).body;
    await t.fault({ kind: "webhook_out_of_order", provider: "toss", target: created.orderId, gapMs: 30 });
    await t.control("POST", `/_sandbox/toss/payments/${created.paymentKey}/approve`);
    await t.toss("POST", "/v1/payments/confirm", { paymentKey: created.paymentKey, orderId: created.orderId, amount: created.totalAmount });

    const statuses = await waitFor("the Toss events", () => tossEvents(t.receiver).length === 2 && tossEvents(t.receiver).map((e) => e.data.status));
    expect(statuses).toEqual(["EXPIRED", "DONE"]);
  });

  it("webhook_drop: the event is never sent, and the delivery list says so", async () => {
    const session = await t.stripe.checkout.sessions.create(threeItemCheckout());
    await t.fault({ kind: "webhook_drop", provider: "stripe", target: session.id });
    await t.control("POST", `/_sandbox/stripe/sessions/${session.id}/pay`);

    await t.webhooksSettled();
    expect(t.receiver.requests).toEqual([]);
    const deliveries = await t.control("GET", `/_sandbox/deliveries?target=${session.id}`);
    expect(deliveries.body.data.map((d: { eventType: string; status: string }) => [d.eventType, d.status])).toEqual([
      ["checkout.session.completed", "dropped"],
    ]);
  });

  it("events_first: the expire answers only after its checkout.session.expired was delivered", async () => {
    const session = await t.stripe.checkout.sessions.create(threeItemCheckout());
    await t.fault({ kind: "events_first", provider: "stripe" });
    const expired = await t.stripe.checkout.sessions.expire(session.id);

    expect(expired.status).toBe("expired");
    expect(stripeEvents(t.receiver).map((e) => [e.type, e.data.object.id])).toEqual([["checkout.session.expired", session.id]]);
  });

  it("webhook_delay: a Toss notice arrives only after the delay", async () => {
    const created = (await t.toss("POST", "/v1/payments", tossWindowRequest())).body;
    await t.fault({ kind: "webhook_delay", provider: "toss", ms: 250 });
    await t.control("POST", `/_sandbox/toss/payments/${created.paymentKey}/decline`);
    const declinedAt = Date.now();

    const arrived = await waitFor("a delivery", () => t.receiver.requests[0]);
    expect(arrived.at - declinedAt).toBeGreaterThanOrEqual(200);
  });
});

describe("the control API", () => {
  it("rejects a malformed fault, naming the field", async () => {
    const response = await t.control("POST", "/_sandbox/faults", { kind: "webhook_delay", provider: "stripe" });
    expect(response.status).toBe(400);
    expect(response.body.error).toContain("ms");
    const unknown = await t.control("POST", "/_sandbox/faults", { kind: "meteor_strike" });
    expect(unknown.status).toBe(400);
  });

  it("reset forgets sessions and faults", async () => {
    const session = await t.stripe.checkout.sessions.create(threeItemCheckout());
    await t.fault({ kind: "create_error", provider: "stripe" });
    await t.control("POST", "/_sandbox/reset");

    expect((await t.control("GET", "/_sandbox/faults")).body.data).toEqual([]);
    const missing = await t.stripe.checkout.sessions.retrieve(session.id).catch((e) => e);
    expect(missing.statusCode).toBe(404);
    expect((await t.stripe.checkout.sessions.create(threeItemCheckout())).status).toBe("open");
  });
});
