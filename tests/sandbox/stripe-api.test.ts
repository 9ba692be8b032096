import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { sandboxStripe } from "../support/sandbox";
import { KEYS, type TestSandbox, threeItemCheckout, useTestSandbox } from "./support.ts";

let t: TestSandbox;

useTestSandbox((sandbox) => (t = sandbox));

describe("Stripe Checkout Sessions through the official SDK", () => {
  it("creates an open, unpaid session in Stripe's shape from three line items", async () => {
    const session = await t.stripe.checkout.sessions.create(threeItemCheckout());

    expect(session.id).toMatch(/^cs_test_/);
    expect(session.object).toBe("checkout.session");
    expect(session.status).toBe("open");
    expect(session.payment_status).toBe("unpaid");
    expect(session.mode).toBe("payment");
    expect(session.currency).toBe("usd");
    expect(session.amount_subtotal).toBe(1500 + 499 + 2 * 2000);
    expect(session.amount_total).toBe(5999);
    expect(session.payment_intent).toBeNull();
    expect(session.livemode).toBe(false);
    expect(session.client_reference_id).toBe("chk_1");
    expect(session.metadata).toEqual({ checkoutSessionId: "chk_1" });
    expect(session.url).toBe(`${t.sandbox.url}/c/pay/${session.id}`);
    expect(session.success_url).toContain("{CHECKOUT_SESSION_ID}");
    expect(session.lastResponse.headers["request-id"]).toMatch(/^req_/);
  });

  it("answers every top-level field of Stripe's published Checkout Session fixture", async () => {
    const session = await t.stripe.checkout.sessions.create(threeItemCheckout());
    const fixtureKeys = ["adaptive_pricing", "after_expiration", "allow_promotion_codes", "amount_subtotal", "amount_total", "automatic_tax", "billing_address_collection", "cancel_url", "client_reference_id", "client_secret", "collected_information", "consent", "consent_collection", "created", "currency", "currency_conversion", "custom_fields", "custom_text", "customer", "customer_creation", "customer_details", "customer_email", "discounts", "expires_at", "id", "invoice", "invoice_creation", "livemode", "locale", "metadata", "mode", "object", "origin_context", "payment_intent", "payment_link", "payment_method_collection", "payment_method_configuration_details", "payment_method_options", "payment_method_types", "payment_status", "permissions", "phone_number_collection", "recovered_from", "saved_payment_method_options", "setup_intent", "shipping_address_collection", "shipping_cost", "shipping_options", "status", "submit_type", "subscription", "success_url", "total_details", "ui_mode", "url", "wallet_options"];
    expect(fixtureKeys.filter((key) => !(key in session))).toEqual([]);
  });

  it("retrieves a session with its line items expanded", async () => {
    const created = await t.stripe.checkout.sessions.create(threeItemCheckout());
    const session = await t.stripe.checkout.sessions.retrieve(created.id, { expand: ["line_items"] });

    expect(session.id).toBe(created.id);
    expect(session.line_items?.data.map((item) => [item.description, item.quantity, item.amount_total])).toEqual([
      ["Llama fine-tune pack", 1, 1500],
      ["Prompt pack: SQL", 1, 499],
      ["Dataset: receipts", 2, 4000],
    ]);
    const listed = await t.stripe.checkout.sessions.listLineItems(created.id);
    expect(listed.data).toHaveLength(3);
  });

  it("expires an open session, and refuses to expire it twice", async () => {
    const created = await t.stripe.checkout.sessions.create(threeItemCheckout());
    const expired = await t.stripe.checkout.sessions.expire(created.id);

    expect(expired.status).toBe("expired");
    expect(expired.url).toBeNull();
    expect((await t.stripe.checkout.sessions.retrieve(created.id)).status).toBe("expired");
    await expect(t.stripe.checkout.sessions.expire(created.id)).rejects.toMatchObject({
      type: "StripeInvalidRequestError",
      statusCode: 400,
    });
    // Its page says so and leads back to the shop that sent the shopper.
    const page = await fetch(created.url!);
    expect(page.status).toBe(410);
    expect(await page.text()).toContain(`<a href="${new URL(created.cancel_url!).origin}/">Return to the shop</a>`);
  });

  it("replays the same session for a repeated Idempotency-Key with the same parameters", async () => {
    const params = threeItemCheckout();
    const first = await t.stripe.checkout.sessions.create(params, { idempotencyKey: "checkout-chk_1" });
    const second = await t.stripe.checkout.sessions.create(params, { idempotencyKey: "checkout-chk_1" });

    expect(second.id).toBe(first.id);
    expect(second.lastResponse.headers["idempotent-replayed"]).toBe("true");
    const third = await t.stripe.checkout.sessions.create(params, { idempotencyKey: "checkout-chk_2" });
    expect(third.id).not.toBe(first.id);
  });

  it("answers an idempotency_error when a key is reused with different parameters", async () => {
    await t.stripe.checkout.sessions.create(threeItemCheckout(), { idempotencyKey: "checkout-chk_9" });
    const changed = threeItemCheckout({ client_reference_id: "chk_other" });

    const error = await t.stripe.checkout.sessions.create(changed, { idempotencyKey: "checkout-chk_9" }).catch((e) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(error.type).toBe("StripeIdempotencyError");
    expect(error.raw.type).toBe("idempotency_error");
    expect(error.statusCode).toBe(400);
  });

  it("rejects a wrong secret key with a 401 authentication error", async () => {
    const wrong = sandboxStripe(t.sandbox.port, { secretKey: "sk_test_not_the_key" });
    const error = await wrong.checkout.sessions.create(threeItemCheckout()).catch((e) => e);

    expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect(error.statusCode).toBe(401);
    expect(error.message).toMatch(/^Invalid API Key provided: sk_test_/);
    expect(error.message).not.toContain("sk_test_not_the_key");
  });

  it("describes bad parameters the way Stripe does: type, code, param and message", async () => {
    const cases: Array<[Stripe.Checkout.SessionCreateParams, { code: string; param: string }]> = [
      [threeItemCheckout({ line_items: [] }), { code: "parameter_missing", param: "line_items" }],
      [
        threeItemCheckout({ line_items: [{ quantity: 1, price_data: { currency: "usd", unit_amount: 0, product_data: { name: "x" } } }] }),
        { code: "parameter_invalid_integer", param: "line_items[0][price_data][unit_amount]" },
      ],
      [
        threeItemCheckout({ line_items: [{ quantity: 1, price_data: { currency: "usd", unit_amount: 100, product_data: { name: "" } } }] }),
        { code: "parameter_missing", param: "line_items[0][price_data][product_data][name]" },
      ],
      [threeItemCheckout({ success_url: "/relative/success" }), { code: "url_invalid", param: "success_url" }],
      [threeItemCheckout({ customer_email: "not-an-email" }), { code: "email_invalid", param: "customer_email" }],
      [threeItemCheckout({ gift_wrap: "yes" } as object), { code: "parameter_unknown", param: "gift_wrap" }],
    ];
    for (const [params, expected] of cases) {
      const error = await t.stripe.checkout.sessions.create(params).catch((e) => e);
      expect(error, JSON.stringify(expected)).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(error.statusCode).toBe(400);
      expect(error.raw).toMatchObject({ type: "invalid_request_error", ...expected });
      expect(error.message.length).toBeGreaterThan(5);
    }
  });

  it("rejects more than 100 line items and expires_at outside 30 minutes to 24 hours", async () => {
    const item = { quantity: 1, price_data: { currency: "usd", unit_amount: 100, product_data: { name: "x" } } };
    const tooMany = await t.stripe.checkout.sessions.create(threeItemCheckout({ line_items: Array(101).fill(item) })).catch((e) => e);
    expect(tooMany.raw).toMatchObject({ type: "invalid_request_error", param: "line_items" });

    const now = Math.floor(Date.now() / 1000);
    for (const expiresAt of [now + 10 * 60, now + 25 * 60 * 60]) {
      const error = await t.stripe.checkout.sessions.create(threeItemCheckout({ expires_at: expiresAt })).catch((e) => e);
      expect(error.statusCode).toBe(400);
      expect(error.raw).toMatchObject({ type: "invalid_request_error", param: "expires_at" });
    }
    const ok = await t.stripe.checkout.sessions.create(threeItemCheckout({ expires_at: now + 31 * 60 }));
    expect(ok.expires_at).toBe(now + 31 * 60);
  });

  it("rejects a mode other than payment and an unknown session id", async () => {
    const subscription = await t.stripe.checkout.sessions.create(threeItemCheckout({ mode: "subscription" })).catch((e) => e);
    expect(subscription.raw).toMatchObject({ type: "invalid_request_error", param: "mode" });

    const missing = await t.stripe.checkout.sessions.retrieve("cs_test_nope").catch((e) => e);
    expect(missing.statusCode).toBe(404);
    expect(missing.raw).toMatchObject({ type: "invalid_request_error", code: "resource_missing" });
  });

  it("reads nested form parameters exactly as stripe-node encodes them", async () => {
    const body = new URLSearchParams({
      mode: "payment",
      "line_items[0][quantity]": "3",
      "line_items[0][price_data][currency]": "USD",
      "line_items[0][price_data][unit_amount]": "250",
      "line_items[0][price_data][product_data][name]": "Plain & simple",
      success_url: "http://shop.test/ok",
      "metadata[a]": "1",
      "payment_intent_data[metadata][b]": "2",
    });
    const response = await fetch(`${t.base}/v1/checkout/sessions`, {
      method: "POST",
      headers: { Authorization: `Bearer ${KEYS.stripeSecretKey}`, "Content-Type": "application/x-www-form-urlencoded" },
      body,
    });
    const session = await response.json();
    expect(response.status).toBe(200);
    expect(session).toMatchObject({ amount_total: 750, currency: "usd", metadata: { a: "1" }, cancel_url: null });
  });
});
