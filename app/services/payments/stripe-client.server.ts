import Stripe from "stripe";
import { env } from "~/env.server";
import type { PaymentOutcome } from "~/services/payments/provider";
import { ProviderError } from "~/services/payments/provider";

// The Stripe SDK client and what the Stripe files share: reading sessions and
// errors. STRIPE_API_BASE (the sandbox in development and tests) changes only
// where the SDK connects.

/**
 * The API version every request and every event is read in. Pinned, so a
 * change of the account's default or of the SDK never changes the shapes the
 * shop reads; it is the version the installed SDK's types describe (a unit
 * test keeps the two equal, so an SDK upgrade comes with a deliberate re-pin).
 */
export const STRIPE_API_VERSION = "2026-10-28.endive" as const;

let client: Stripe | undefined;

export function stripe(): Stripe {
  if (!client) {
    const settings = env();
    if (!settings.STRIPE_SECRET_KEY) throw new ProviderError("not_configured", "STRIPE_SECRET_KEY is not set.");
    const base = settings.STRIPE_API_BASE ? new URL(settings.STRIPE_API_BASE) : null;
    const protocol = base?.protocol === "http:" ? "http" : "https";
    client = new Stripe(settings.STRIPE_SECRET_KEY, {
      apiVersion: STRIPE_API_VERSION,
      ...(base ? { host: base.hostname, port: Number(base.port || (protocol === "http" ? 80 : 443)), protocol } : {}),
      timeout: settings.PROVIDER_TIMEOUT_MS,
      // A retry is the shopper pressing 결제하기 again, which reuses the session
      // and its idempotency key; the SDK's own retries would also retry a 409.
      maxNetworkRetries: 0,
    });
  }
  return client;
}

/**
 * Whether Stripe keeps this error answer for the request's Idempotency-Key,
 * so that only a new key gets another: it stores what an endpoint answered
 * once it ran, 500s included (https://docs.stripe.com/api/idempotent_requests);
 * not a request that got no answer, found its key in use (409) or reused with
 * other parameters, or was rate limited (429).
 */
export function answerKeptForKey(error: unknown): boolean {
  if (!(error instanceof Stripe.errors.StripeError) || error instanceof Stripe.errors.StripeConnectionError) return false;
  const status = error.statusCode ?? 0;
  return status >= 400 && status !== 409 && status !== 429 && error.type !== "idempotency_error";
}

export function sessionIdOf(session: Stripe.Checkout.Session): string | null {
  return session.metadata?.checkout_session_id ?? session.client_reference_id ?? null;
}

export function paymentIntentId(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === "string" ? value : value.id;
}

/** What a Checkout Session says about its payment. */
export function outcomeOfCheckoutSession(session: Stripe.Checkout.Session): PaymentOutcome {
  if (session.payment_status === "paid") {
    return {
      kind: "paid",
      reference: session.id,
      paymentId: paymentIntentId(session.payment_intent) ?? session.id,
      amount: session.amount_total ?? -1,
      currency: (session.currency ?? "").toUpperCase(),
    };
  }
  if (session.status === "expired") return { kind: "expired" };
  if (session.status === "open") return { kind: "open" };
  // complete but unpaid: an asynchronous payment method is still settling.
  const paymentId = paymentIntentId(session.payment_intent);
  return paymentId ? { kind: "processing", paymentId } : { kind: "processing" };
}

export function describeError(error: unknown): { code: string; message: string } {
  if (error instanceof Stripe.errors.StripeError) {
    if (error instanceof Stripe.errors.StripeConnectionError) {
      return { code: "provider_unreachable", message: "Stripe did not answer in time." };
    }
    return { code: error.code ?? error.type, message: error.message };
  }
  if (error instanceof ProviderError) return { code: error.code, message: error.message };
  throw error;
}

