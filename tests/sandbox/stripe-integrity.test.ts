import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { waitFor } from "../support/wait";
import { faultsFired, KEYS, type TestSandbox, stripeEvents, threeItemCheckout, useTestSandbox } from "./support.ts";

// Where Stripe is stricter than a kind sandbox: keys in use, minimums,
// partial refunds, disputes and the API version of events.

let t: TestSandbox;
useTestSandbox((sandbox) => (t = sandbox));

async function paidSession() {
  const session = await t.stripe.checkout.sessions.create(threeItemCheckout());
  expect((await t.control("POST", `/_sandbox/stripe/sessions/${session.id}/pay`)).status).toBe(200);
  const paid = await t.stripe.checkout.sessions.retrieve(session.id);
  return { session: paid, intent: paid.payment_intent as string };
}

describe("idempotency keys in use", () => {
  it("answers a second request with a key whose first request is still running with 409 idempotency_key_in_use, and saves nothing for it", async () => {
    await t.control("POST", "/_sandbox/faults", { kind: "latency", provider: "stripe", ms: 300 });
    const params = threeItemCheckout();
    const first = t.stripe.checkout.sessions.create(params, { idempotencyKey: "key-in-use" });
    await faultsFired(t);
    const second = t.stripe.checkout.sessions.create(params, { idempotencyKey: "key-in-use" }).catch((error: unknown) => error);
    const [created, refused] = await Promise.all([first, second]);
    expect(refused).toBeInstanceOf(Stripe.errors.StripeError);
    expect(refused).toMatchObject({ statusCode: 409, code: "idempotency_key_in_use", type: "StripeAPIError" });
    await t.control("DELETE", "/_sandbox/faults");

    const replayed = await t.stripe.checkout.sessions.create(params, { idempotencyKey: "key-in-use" });
    expect(replayed.id).toBe(created.id);
    expect(replayed.lastResponse.headers["idempotent-replayed"]).toBe("true");
    expect((await t.control("GET", "/_sandbox/stripe/sessions?client_reference_id=chk_1")).body.data).toHaveLength(1);
  });

  it("answers a key reused with other parameters with idempotency_error", async () => {
    await t.stripe.checkout.sessions.create(threeItemCheckout(), { idempotencyKey: "key-reused" });
    await expect(
      t.stripe.checkout.sessions.create(threeItemCheckout({ customer_email: "other@example.test" }), { idempotencyKey: "key-reused" }),
    ).rejects.toMatchObject({ type: "StripeIdempotencyError", statusCode: 400 });
  });
});

describe("Checkout Session parameters", () => {
  it("refuses a total under the currency's minimum with amount_too_small ($0.50 for USD)", async () => {
    const small = threeItemCheckout({
      line_items: [{ quantity: 1, price_data: { currency: "usd", unit_amount: 49, product_data: { name: "Tiny" } } }],
    });
    await expect(t.stripe.checkout.sessions.create(small)).rejects.toMatchObject({ statusCode: 400, code: "amount_too_small" });
    const enough = threeItemCheckout({
      line_items: [{ quantity: 1, price_data: { currency: "usd", unit_amount: 50, product_data: { name: "Enough" } } }],
    });
    expect((await t.stripe.checkout.sessions.create(enough)).amount_total).toBe(50);
  });

  it("takes adaptive_pricing[enabled]=false and refuses unknown adaptive_pricing fields", async () => {
    const session = await t.stripe.checkout.sessions.create(threeItemCheckout({ adaptive_pricing: { enabled: false } }));
    expect(session.adaptive_pricing).toEqual({ enabled: false });
    const body = new URLSearchParams({ mode: "payment", success_url: "http://shop.test/ok", "adaptive_pricing[colour]": "blue" });
    body.append("line_items[0][quantity]", "1");
    body.append("line_items[0][price_data][currency]", "usd");
    body.append("line_items[0][price_data][unit_amount]", "100");
    body.append("line_items[0][price_data][product_data][name]", "A");
    const response = await fetch(`${t.base}/v1/checkout/sessions`, {
      method: "POST",
      headers: { Authorization: `Bearer ${KEYS.stripeSecretKey}`, "Content-Type": "application/x-www-form-urlencoded" },
      body,
    });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatchObject({ code: "parameter_unknown", param: "adaptive_pricing[colour]" });
  });

  it("expires an open session with checkout.session.expired, and refuses to expire a complete one", async () => {
    const open = await t.stripe.checkout.sessions.create(threeItemCheckout());
    expect((await t.stripe.checkout.sessions.expire(open.id)).status).toBe("expired");
    await waitFor("checkout.session.expired", () => stripeEvents(t.receiver).some((e) => e.type === "checkout.session.expired" && e.data.object.id === open.id));
    const { session } = await paidSession();
    await expect(t.stripe.checkout.sessions.expire(session.id)).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringMatching(/status of complete/),
    });
  });
});

describe("refunds", () => {
  it("refunds part of a charge, then the rest, with charge.refunded each time, and refuses more than is left", async () => {
    const { session, intent } = await paidSession();
    const part = await t.stripe.refunds.create({ payment_intent: intent, amount: 1500, reason: "duplicate", metadata: { order_id: "o1" } });
    expect(part).toMatchObject({ object: "refund", amount: 1500, status: "succeeded", reason: "duplicate", metadata: { order_id: "o1" } });
    await expect(t.stripe.refunds.create({ payment_intent: intent, amount: 99_999 })).rejects.toMatchObject({ code: "amount_too_large" });
    const rest = await t.stripe.refunds.create({ payment_intent: intent });
    expect(rest.amount).toBe((session.amount_total as number) - 1500);
    await expect(t.stripe.refunds.create({ payment_intent: intent })).rejects.toMatchObject({ code: "charge_already_refunded" });

    await waitFor("two charge.refunded events", () => stripeEvents(t.receiver).filter((e) => e.type === "charge.refunded").length === 2);
    const refunded = stripeEvents(t.receiver).filter((e) => e.type === "charge.refunded").map((e) => e.data.object);
    expect(refunded.map((charge) => [charge.amount_refunded, charge.refunded])).toEqual([
      [1500, false],
      [session.amount_total, true],
    ]);
    expect(stripeEvents(t.receiver).filter((e) => e.type === "refund.created")).toHaveLength(2);
    expect((await t.stripe.refunds.retrieve(part.id)).amount).toBe(1500);
  });

  it("makes one refund for one idempotency key, however often it is sent", async () => {
    const { intent } = await paidSession();
    const first = await t.stripe.refunds.create({ payment_intent: intent, amount: 499 }, { idempotencyKey: "refund-line-x" });
    const again = await t.stripe.refunds.create({ payment_intent: intent, amount: 499 }, { idempotencyKey: "refund-line-x" });
    expect(again.id).toBe(first.id);
  });

  it("lists a PaymentIntent's refunds newest first, page by page, and refuses a limit outside 1–100", async () => {
    const { intent } = await paidSession();
    const one = await t.stripe.refunds.create({ payment_intent: intent, amount: 100, metadata: { order_id: "o-1" } });
    const two = await t.stripe.refunds.create({ payment_intent: intent, amount: 200, metadata: { order_id: "o-2" } });
    const listed = await t.stripe.refunds.list({ payment_intent: intent, limit: 100 });
    expect(listed.data.map((refund) => [refund.id, refund.metadata?.order_id])).toEqual([
      [two.id, "o-2"],
      [one.id, "o-1"],
    ]);
    const firstPage = await t.stripe.refunds.list({ payment_intent: intent, limit: 1 });
    expect(firstPage.has_more).toBe(true);
    // The SDK's auto-pagination walks the pages with starting_after.
    const walked: string[] = [];
    for await (const refund of t.stripe.refunds.list({ payment_intent: intent, limit: 1 })) walked.push(refund.id);
    expect(walked).toEqual([two.id, one.id]);
    await expect(t.stripe.refunds.list({ payment_intent: intent, limit: 101 })).rejects.toMatchObject({ statusCode: 400, param: "limit" });
  });

  it("answers a refund_error fault with a 500 that its key replays; applied, the refund is made all the same", async () => {
    const { intent } = await paidSession();
    await t.control("POST", "/_sandbox/faults", { kind: "refund_error", provider: "stripe", target: intent, times: 1 });
    const lost = () => t.stripe.refunds.create({ payment_intent: intent, amount: 300 }, { idempotencyKey: "refund-fault-a" });
    await expect(lost()).rejects.toMatchObject({ statusCode: 500 });
    await t.control("DELETE", "/_sandbox/faults");
    await expect(lost()).rejects.toMatchObject({ statusCode: 500 });
    expect((await t.stripe.refunds.list({ payment_intent: intent })).data).toHaveLength(0);

    await t.control("POST", "/_sandbox/faults", { kind: "refund_error", provider: "stripe", target: intent, times: 1, applied: true });
    await expect(t.stripe.refunds.create({ payment_intent: intent, amount: 300 }, { idempotencyKey: "refund-fault-b" })).rejects.toMatchObject({ statusCode: 500 });
    expect((await t.stripe.refunds.list({ payment_intent: intent })).data.map((refund) => refund.amount)).toEqual([300]);
  });
});

describe("disputes", () => {
  it("opens a dispute on a paid session's charge (charge.dispute.created) and closes it won or lost (charge.dispute.closed)", async () => {
    const { session, intent } = await paidSession();
    const opened = await t.control("POST", `/_sandbox/stripe/sessions/${session.id}/dispute`, { reason: "fraudulent" });
    expect(opened.status).toBe(200);
    expect(opened.body.dispute).toMatchObject({ object: "dispute", status: "needs_response", payment_intent: intent, reason: "fraudulent" });
    const dispute = await t.stripe.disputes.retrieve(opened.body.dispute.id);
    expect(dispute.amount).toBe(session.amount_total);
    expect((await t.control("GET", `/_sandbox/stripe/sessions/${session.id}/charge`)).body.charge.disputed).toBe(true);

    expect((await t.control("POST", `/_sandbox/stripe/disputes/${dispute.id}/close`, { status: "lost" })).status).toBe(200);
    expect((await t.control("POST", `/_sandbox/stripe/disputes/${dispute.id}/close`, { status: "won" })).status).toBe(400);
    await waitFor("charge.dispute.closed", () => stripeEvents(t.receiver).some((e) => e.type === "charge.dispute.closed"));
    const types = stripeEvents(t.receiver).map((e) => e.type).filter((type) => type.startsWith("charge.dispute"));
    expect(types).toEqual(["charge.dispute.created", "charge.dispute.closed"]);
    expect(stripeEvents(t.receiver).find((e) => e.type === "charge.dispute.closed")?.data.object.status).toBe("lost");
  });

  it("refuses to dispute an unpaid session, and names a bad close status", async () => {
    const open = await t.stripe.checkout.sessions.create(threeItemCheckout());
    expect((await t.control("POST", `/_sandbox/stripe/sessions/${open.id}/dispute`)).status).toBe(400);
    const { session } = await paidSession();
    const { body } = await t.control("POST", `/_sandbox/stripe/sessions/${session.id}/dispute`);
    const bad = await t.control("POST", `/_sandbox/stripe/disputes/${body.dispute.id}/close`, { status: "maybe" });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/status/);
  });
});

describe("the API version of events", () => {
  it("writes the installed SDK's version by default, and the configured one once set", async () => {
    const first = await t.stripe.checkout.sessions.create(threeItemCheckout());
    await t.stripe.checkout.sessions.expire(first.id);
    await waitFor("the Stripe events", () => stripeEvents(t.receiver).length === 1);
    expect((stripeEvents(t.receiver)[0] as unknown as { api_version: string }).api_version).toBe(Stripe.API_VERSION);

    expect((await t.control("POST", "/_sandbox/config", { stripeApiVersion: "2025-01-27.acacia" })).status).toBe(200);
    const second = await t.stripe.checkout.sessions.create(threeItemCheckout());
    await t.stripe.checkout.sessions.expire(second.id);
    await waitFor("the Stripe events", () => stripeEvents(t.receiver).length === 2);
    expect((stripeEvents(t.receiver)[1] as unknown as { api_version: string }).api_version).toBe("2025-01-27.acacia");
    expect((await t.control("POST", "/_sandbox/config", { stripeApiVersion: "yesterday" })).status).toBe(400);
  });
});
