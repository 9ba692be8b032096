import Stripe from "stripe";
import { SANDBOX_KEYS } from "./sandbox";

// Stripe's webhooks as the shop receives them: events in Stripe's shape,
// signed by the Stripe SDK's own test helper with the webhook secret.

const sdk = new Stripe(SANDBOX_KEYS.stripeSecretKey);

/** The Stripe-Signature header for `body`: signed with `secret`, dated `timestamp` (seconds; now when unset). */
export function signStripeEvent(body: string, { secret = SANDBOX_KEYS.stripeWebhookSecret, timestamp }: { secret?: string; timestamp?: number } = {}): string {
  return sdk.webhooks.generateTestHeaderString({ payload: body, secret, ...(timestamp === undefined ? {} : { timestamp }) });
}

/** The body of an event `type` about `object`, as Stripe sends it. */
export function stripeEventBody({ id, type, object, apiVersion = Stripe.API_VERSION }: { id: string; type: string; object: unknown; apiVersion?: string }): string {
  return JSON.stringify({
    id,
    object: "event",
    api_version: apiVersion,
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    type,
    data: { object },
  });
}

/**
 * A signed event `type` about Checkout Session `reference` as `stripe` (the
 * SDK on the sandbox) reads it now, its fields replaced by `overrides`. The
 * id is the same for the same session and type, as a delivery repeated is.
 */
export async function checkoutSessionEvent(stripe: Stripe, type: string, reference: string, overrides: Record<string, unknown> = {}) {
  const session = await stripe.checkout.sessions.retrieve(reference);
  const body = stripeEventBody({
    id: `evt_test_${reference.slice(-12)}_${type.replace(/\W/g, "")}`,
    type,
    object: { ...session, ...overrides },
  });
  return { body, signature: signStripeEvent(body) };
}

/** A POST of `body` to the shop's Stripe webhook route, with `signature` as its Stripe-Signature (none when null). */
export function stripeWebhookRequest(body: string, signature: string | null, url = "http://localhost/webhooks/stripe"): Request {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (signature) headers["Stripe-Signature"] = signature;
  return new Request(url, { method: "POST", body, headers });
}
