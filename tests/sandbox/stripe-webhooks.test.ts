import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { waitFor } from "../support/wait";
import { KEYS, type TestSandbox, stripeEvents, threeItemCheckout, useTestSandbox } from "./support.ts";

let t: TestSandbox;

useTestSandbox((sandbox) => (t = sandbox));

const verifier = new Stripe("sk_test_unused");

async function paidSession() {
  const session = await t.stripe.checkout.sessions.create(threeItemCheckout());
  const paid = await t.control("POST", `/_sandbox/stripe/sessions/${session.id}/pay`);
  expect(paid.status).toBe(200);
  return { session, paid: paid.body };
}

describe("Stripe webhooks", () => {
  it("sends checkout.session.completed as a signed Event that stripe.webhooks.constructEvent accepts", async () => {
    const { session } = await paidSession();
    const request = await waitFor("a delivery", () => t.receiver.requests.find((r) => r.path === "/webhooks/stripe"));

    const event = verifier.webhooks.constructEvent(request.body, request.headers["stripe-signature"] as string, KEYS.stripeWebhookSecret);
    expect(event.type).toBe("checkout.session.completed");
    expect(event.id).toMatch(/^evt_/);
    expect(event.object).toBe("event");
    expect(event.livemode).toBe(false);
    expect(event.api_version).toBe(Stripe.API_VERSION);
    expect(Math.abs(event.created - Date.now() / 1000)).toBeLessThan(60);
    const object = event.data.object as Stripe.Checkout.Session;
    expect(object.id).toBe(session.id);
    expect(object.status).toBe("complete");
    expect(object.payment_status).toBe("paid");
    expect(object.payment_intent).toMatch(/^pi_/);
    expect(object.amount_total).toBe(5999);
    expect(object.metadata).toEqual({ checkoutSessionId: "chk_1" });
    expect(request.headers["stripe-signature"]).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
  });

  it("signs so that a tampered payload or a wrong secret is refused by constructEvent", async () => {
    await paidSession();
    const request = await waitFor("a delivery", () => t.receiver.requests.find((r) => r.path === "/webhooks/stripe"));
    const header = request.headers["stripe-signature"] as string;
    const tampered = request.body.replace('"amount_total": 5999', '"amount_total": 1');

    expect(tampered).not.toBe(request.body);
    expect(() => verifier.webhooks.constructEvent(tampered, header, KEYS.stripeWebhookSecret)).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    );
    expect(() => verifier.webhooks.constructEvent(request.body, header, "whsec_other")).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    );
  });

  it("records the paid session: retrieve shows complete, paid and a succeeded PaymentIntent with its metadata", async () => {
    const { session, paid } = await paidSession();
    expect(paid.redirectUrl).toBe(`http://shop.test/checkout/chk_1/success?session_id=${session.id}`);

    const retrieved = await t.stripe.checkout.sessions.retrieve(session.id, { expand: ["payment_intent"] });
    const intent = retrieved.payment_intent as Stripe.PaymentIntent;
    expect(retrieved.status).toBe("complete");
    expect(retrieved.payment_status).toBe("paid");
    expect(intent.status).toBe("succeeded");
    expect(intent.amount).toBe(5999);
    expect(intent.metadata).toEqual({ checkoutSessionId: "chk_1" });
    const again = await t.control("POST", `/_sandbox/stripe/sessions/${session.id}/pay`);
    expect(again.status).toBe(409);
  });

  it("retries a delivery the shop answers with 500, with backoff, and lists each answer", async () => {
    t.receiver.answers = [500, 503, 200];
    const { session } = await paidSession();

    const delivery = await waitFor("the delivery to succeed", async () => {
      const list = await t.control("GET", `/_sandbox/deliveries?provider=stripe&target=${session.id}`);
      const first = list.body.data[0];
      return first?.status === "succeeded" ? first : undefined;
    });
    expect(delivery.eventType).toBe("checkout.session.completed");
    expect(delivery.attempts.map((a: { status: number }) => a.status)).toEqual([500, 503, 200]);
    const ids = stripeEvents(t.receiver).map((e) => e.id);
    expect(new Set(ids).size).toBe(1);
  });

  it("gives up after a bounded number of retries and marks the delivery failed", async () => {
    t.receiver.answers = [500];
    const { session } = await paidSession();

    const delivery = await waitFor("the delivery to be given up", async () => {
      const list = await t.control("GET", `/_sandbox/deliveries?target=${session.id}`);
      return list.body.data[0]?.status === "failed" ? list.body.data[0] : undefined;
    });
    expect(delivery.attempts).toHaveLength(3); // the first try and the two configured retries
    await t.webhooksSettled();
    expect(t.receiver.requests).toHaveLength(3);
  });

  it("sends checkout.session.expired when the API expires a session", async () => {
    const session = await t.stripe.checkout.sessions.create(threeItemCheckout());
    await t.stripe.checkout.sessions.expire(session.id);

    const [event] = await waitFor("the Stripe events", () => stripeEvents(t.receiver).length > 0 && stripeEvents(t.receiver));
    expect(event.type).toBe("checkout.session.expired");
    expect(event.data.object).toMatchObject({ id: session.id, status: "expired", payment_status: "unpaid" });
  });

  it("expires a session by the clock once its expires_at has passed", async () => {
    const session = await t.stripe.checkout.sessions.create(threeItemCheckout());
    await t.control("POST", "/_sandbox/clock/advance", { seconds: 61 * 60 });

    const [event] = await waitFor("the Stripe events", () => stripeEvents(t.receiver).length > 0 && stripeEvents(t.receiver));
    expect(event.type).toBe("checkout.session.expired");
    expect((await t.stripe.checkout.sessions.retrieve(session.id)).status).toBe("expired");
    const pay = await t.control("POST", `/_sandbox/stripe/sessions/${session.id}/pay`);
    expect(pay.status).toBe(409);
  });

  it("refunds in full and sends charge.refunded carrying the PaymentIntent and its metadata", async () => {
    const { session } = await paidSession();
    await waitFor("the Stripe events", () => stripeEvents(t.receiver).length === 1);
    const retrieved = await t.stripe.checkout.sessions.retrieve(session.id);

    const refund = await t.stripe.refunds.create({ payment_intent: retrieved.payment_intent as string });
    expect(refund).toMatchObject({ object: "refund", status: "succeeded", amount: 5999, payment_intent: retrieved.payment_intent });

    const refunded = await waitFor("charge.refunded", () => stripeEvents(t.receiver).find((e) => e.type === "charge.refunded"));
    expect(refunded.data.object).toMatchObject({
      object: "charge",
      payment_intent: retrieved.payment_intent,
      metadata: { checkoutSessionId: "chk_1" },
      amount: 5999,
      amount_refunded: 5999,
      refunded: true,
    });
    const twice = await t.stripe.refunds.create({ payment_intent: retrieved.payment_intent as string }).catch((e) => e);
    expect(twice.raw).toMatchObject({ type: "invalid_request_error", code: "charge_already_refunded" });
  });

  it("refunds through the control API too", async () => {
    const { session } = await paidSession();
    const refund = await t.control("POST", `/_sandbox/stripe/sessions/${session.id}/refund`);
    expect(refund.status).toBe(200);
    const event = await waitFor("charge.refunded", () => stripeEvents(t.receiver).find((e) => e.type === "charge.refunded"));
    expect(event.data.object.metadata).toEqual({ checkoutSessionId: "chk_1" });
  });

  it("answers the API before the webhook is delivered (delivery never blocks the request)", async () => {
    await t.control("POST", "/_sandbox/faults", { kind: "webhook_delay", provider: "stripe", ms: 400 });
    const session = await t.stripe.checkout.sessions.create(threeItemCheckout());
    const started = Date.now();
    await t.control("POST", `/_sandbox/stripe/sessions/${session.id}/pay`);

    expect(t.receiver.requests).toHaveLength(0);
    const list = await t.control("GET", "/_sandbox/deliveries");
    expect(list.body.data[0].status).toBe("scheduled");
    const arrived = await waitFor("a delivery", () => t.receiver.requests[0]);
    expect(arrived.at - started).toBeGreaterThanOrEqual(380);
  });
});

describe("Stripe hosted checkout page (plain HTML forms)", () => {
  it("lists the merchant's line items and total, escaping every value", async () => {
    const session = await t.stripe.checkout.sessions.create(
      threeItemCheckout({
        line_items: [
          { quantity: 2, price_data: { currency: "usd", unit_amount: 1250, product_data: { name: "<script>alert(1)</script> & co" } } },
        ],
      }),
    );
    const html = await (await fetch(session.url as string)).text();

    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co");
    expect(html).not.toContain("<script>alert(1)");
    expect(html).toContain("$25.00");
    expect(html).toMatch(/<form method="post" action="\/c\/pay\/cs_test_[^"]+\/pay">/);
    expect(html).not.toMatch(/<script/i);
  });

  it("pays with a form post and redirects 303 to success_url with the session id substituted", async () => {
    const session = await t.stripe.checkout.sessions.create(threeItemCheckout());
    const response = await fetch(`${session.url}/pay`, { method: "POST", redirect: "manual" });

    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(`http://shop.test/checkout/chk_1/success?session_id=${session.id}`);
    expect((await t.stripe.checkout.sessions.retrieve(session.id)).payment_status).toBe("paid");
  });

  it("shows a decline on the page and keeps the session open; cancel redirects to cancel_url", async () => {
    const session = await t.stripe.checkout.sessions.create(threeItemCheckout());
    const declined = await fetch(`${session.url}/decline`, { method: "POST", redirect: "manual" });
    expect(declined.status).toBe(402);
    expect(await declined.text()).toContain("Your card was declined");
    expect((await t.stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");

    const canceled = await fetch(`${session.url}/cancel`, { method: "POST", redirect: "manual" });
    expect(canceled.status).toBe(303);
    expect(canceled.headers.get("location")).toBe("http://shop.test/cart");
  });
});
