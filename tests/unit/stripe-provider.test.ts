import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { classifyCreateError } from "~/services/payments/stripe.server";
import { STRIPE_API_VERSION } from "~/services/payments/stripe-client.server";
import { subjectOfEvent } from "~/services/payments/stripe-events.server";

// How the shop reads Stripe: errors on create and events, from the SDK's own
// error classes and the shapes of Stripe's objects (Checkout Sessions:
// payment-outcomes.test.ts).

const stripeError = (raw: { statusCode: number; type: string; code?: string; message?: string }) =>
  Stripe.errors.generateV1Error({ message: "from Stripe", ...raw } as Parameters<typeof Stripe.errors.generateV1Error>[0]);

describe("a failed Checkout Session create", () => {
  const cases: Array<[string, unknown, string, boolean?]> = [
    ["409 idempotency_key_in_use", stripeError({ statusCode: 409, type: "invalid_request_error", code: "idempotency_key_in_use" }), "busy"],
    ["400 idempotency_error (same key, other parameters)", stripeError({ statusCode: 400, type: "idempotency_error" }), "busy"],
    ["500 api_error (kept for the key)", stripeError({ statusCode: 500, type: "api_error" }), "unavailable", true],
    ["503", stripeError({ statusCode: 503, type: "api_error" }), "unavailable", true],
    ["429 rate limit (nothing kept)", stripeError({ statusCode: 429, type: "invalid_request_error", code: "rate_limit" }), "unavailable", false],
    ["no answer", new Stripe.errors.StripeConnectionError({ message: "timeout", type: "api_error" }), "unavailable", false],
    ["400 invalid parameter", stripeError({ statusCode: 400, type: "invalid_request_error", code: "parameter_invalid_integer" }), "refused"],
    ["400 amount_too_small", stripeError({ statusCode: 400, type: "invalid_request_error", code: "amount_too_small" }), "refused"],
    ["401 bad key", stripeError({ statusCode: 401, type: "invalid_request_error" }), "refused"],
  ];
  for (const [name, error, kind, newKey] of cases) {
    it(`${name} -> ${kind}${newKey === undefined ? "" : newKey ? " under a new key" : " under the same key"}`, () => {
      const result = classifyCreateError(error);
      expect(result.kind).toBe(kind);
      if (newKey !== undefined) expect(result).toMatchObject({ newKey });
    });
  }
});

describe("events", () => {
  const event = (type: string, object: Record<string, unknown>) => ({ id: "evt_1", type, data: { object } }) as unknown as Stripe.Event;

  it("ignores a partial refund (a line paid twice) and reads a full one as the whole checkout refunded", () => {
    expect(subjectOfEvent(event("charge.refunded", { amount: 4500, amount_refunded: 1200, payment_intent: "pi_1" }))).toBeNull();
    expect(subjectOfEvent(event("charge.refunded", { amount: 4500, amount_refunded: 4500, payment_intent: "pi_1" }))).toMatchObject({
      paymentId: "pi_1",
      outcome: { kind: "refunded" },
    });
  });

  it("reads a dispute: opened suspends, won or an inquiry closed restores, lost refunds, anything else waits", () => {
    const dispute = (type: string, status: string) => subjectOfEvent(event(type, { id: "dp_1", payment_intent: "pi_1", status }))?.outcome.kind ?? null;
    expect(dispute("charge.dispute.created", "needs_response")).toBe("dispute-opened");
    expect(dispute("charge.dispute.closed", "won")).toBe("dispute-won");
    expect(dispute("charge.dispute.closed", "warning_closed")).toBe("dispute-won");
    expect(dispute("charge.dispute.closed", "lost")).toBe("refunded");
    expect(dispute("charge.dispute.updated", "under_review")).toBeNull();
  });

  it("ignores event types the shop does not act on", () => {
    expect(subjectOfEvent(event("customer.created", { id: "cus_1" }))).toBeNull();
  });
});

describe("the API version", () => {
  it("is pinned to the version the installed SDK's types describe (re-pin deliberately when upgrading the SDK)", () => {
    expect(STRIPE_API_VERSION).toBe(Stripe.API_VERSION);
  });
});
