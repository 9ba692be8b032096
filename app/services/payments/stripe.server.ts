import Stripe from "stripe";
import { env } from "~/env.server";
import { toStripeAmount } from "~/services/money";
import {
  attemptKey,
  type CheckoutRequest,
  type CreateCheckoutResult,
  type EndCheckoutResult,
  type PaymentOutcome,
  type PaymentProvider,
  type RefundLine,
  type RefundResult,
  type SessionForProvider,
  type SettledPayment,
} from "~/services/payments/provider";
import { answerKeptForKey, describeError, outcomeOfCheckoutSession, sessionIdOf, stripe } from "~/services/payments/stripe-client.server";
import { parseStripeEvent } from "~/services/payments/stripe-events.server";

// Stripe Checkout through the official SDK.

/** Stripe refuses an `expires_at` less than 30 minutes after the session is created. */
const MINIMUM_LIFETIME_MS = 30 * 60_000;

/**
 * Sorts a failed create by what it means for the checkout. Stripe answers a
 * request whose Idempotency-Key is in use by another, unfinished request with
 * 409 `idempotency_key_in_use`, and a key reused with other parameters with
 * 400 `idempotency_error`: either way another request is opening this
 * checkout. It stores the first answer for a key, 500s included
 * (https://docs.stripe.com/api/idempotent_requests), so after a 5xx only a new
 * key can succeed; a 5xx or no answer is indeterminate (it may have opened a
 * session). Validation and authentication errors opened nothing.
 */
export function classifyCreateError(error: unknown): Extract<CreateCheckoutResult, { ok: false }> {
  const { code, message } = describeError(error);
  if (!(error instanceof Stripe.errors.StripeError) || error instanceof Stripe.errors.StripeConnectionError) {
    return { ok: false, kind: "unavailable", code, message, newKey: false };
  }
  const status = error.statusCode ?? 0;
  if (status === 409 || error instanceof Stripe.errors.StripeIdempotencyError || error.type === "idempotency_error") {
    return { ok: false, kind: "busy", code, message };
  }
  if (status === 429 || error instanceof Stripe.errors.StripeRateLimitError) {
    return { ok: false, kind: "unavailable", code, message, newKey: false };
  }
  if (status >= 500 || status === 0) return { ok: false, kind: "unavailable", code, message, newKey: answerKeptForKey(error) };
  return { ok: false, kind: "refused", code, message };
}

async function retrieveOwn(session: SessionForProvider, reference: string): Promise<PaymentOutcome> {
  const checkout = await stripe().checkout.sessions.retrieve(reference);
  if (sessionIdOf(checkout) !== session.id) {
    return { kind: "failed", code: "reference_mismatch", message: "Stripe's session belongs to another checkout." };
  }
  return outcomeOfCheckoutSession(checkout);
}

export const stripeProvider: PaymentProvider = {
  name: "STRIPE",
  minimumCheckoutLifetimeMs: MINIMUM_LIFETIME_MS,
  confirmsOnReturn: false,
  opensInBrowser: false,
  canOpenFromServer: () => true,
  // The session id comes back in the URL, but it is retrieved, never trusted.
  paymentIdOfReturn: () => null,

  async createCheckout(request: CheckoutRequest): Promise<CreateCheckoutResult> {
    const { APP_URL } = env();
    // Every parameter comes from the stored checkout and APP_URL, so the same
    // checkout sends the same request from any server at any time, and a
    // repeat under its idempotency key is a replay, never a second session.
    try {
      const session = await stripe().checkout.sessions.create(
        {
          mode: "payment",
          line_items: request.lines.map((line) => ({
            quantity: 1,
            price_data: {
              ...toStripeAmount(line.amount, request.currency),
              product_data: { name: line.title },
            },
          })),
          client_reference_id: request.sessionId,
          customer_email: request.buyer.email,
          metadata: { checkout_session_id: request.sessionId },
          payment_intent_data: { metadata: { checkout_session_id: request.sessionId } },
          // Charge the currency the shop priced, never a converted one.
          adaptive_pricing: { enabled: false },
          expires_at: Math.floor(request.expiresAt.getTime() / 1000),
          success_url: `${APP_URL}/checkout/${request.sessionId}/success?session_id={CHECKOUT_SESSION_ID}`,
          cancel_url: `${APP_URL}/cart?canceled=${request.sessionId}`,
        },
        { idempotencyKey: request.idempotencyKey },
      );
      if (!session.url) return { ok: false, kind: "refused", code: "no_checkout_url", message: "Stripe returned no checkout page." };
      return { ok: true, reference: session.id, paymentId: null, redirectUrl: session.url };
    } catch (error) {
      return classifyCreateError(error);
    }
  },

  async endCheckout(session: SessionForProvider): Promise<EndCheckoutResult> {
    // Without a reference no request of ours got a page back, so no shopper
    // holds one; any session Stripe opened carries this checkout's expires_at.
    if (!session.reference) return { kind: "ended" };
    try {
      await stripe().checkout.sessions.expire(session.reference);
      return { kind: "ended" };
    } catch (error) {
      if (!(error instanceof Stripe.errors.StripeError) || error instanceof Stripe.errors.StripeConnectionError) {
        return { kind: "unavailable", ...describeError(error) };
      }
      if (error.statusCode === 404) return { kind: "ended" };
      if (error.statusCode !== 400) return { kind: "unavailable", ...describeError(error) };
      // Only an open session can be expired: ask how this one ended.
      try {
        const outcome = await retrieveOwn(session, session.reference);
        if (outcome.kind === "expired") return { kind: "ended" };
        if (outcome.kind === "open") return { kind: "unavailable", code: "still_open", message: error.message };
        return { kind: "completed", outcome };
      } catch (retrieveError) {
        return { kind: "unavailable", ...describeError(retrieveError) };
      }
    }
  },

  async lookup(session: SessionForProvider) {
    if (!session.reference) return { kind: "unavailable" as const, code: "no_reference", message: "No Stripe session was recorded." };
    try {
      return await retrieveOwn(session, session.reference);
    } catch (error) {
      return { kind: "unavailable" as const, ...describeError(error) };
    }
  },

  async refundLine(payment: SettledPayment, line: RefundLine): Promise<RefundResult> {
    if (!payment.paymentId) return { ok: false, code: "no_payment", message: "The checkout has no PaymentIntent to refund.", newKey: false };
    try {
      if (line.attempt > 0) {
        // An earlier attempt answered an error: Stripe may have made the refund all the same.
        for await (const refund of stripe().refunds.list({ payment_intent: payment.paymentId, limit: 100 })) {
          if (refund.metadata?.order_id === line.orderId && refund.status !== "failed" && refund.status !== "canceled") {
            return { ok: true, refundId: refund.id };
          }
        }
      }
      const refund = await stripe().refunds.create(
        {
          payment_intent: payment.paymentId,
          amount: toStripeAmount(line.amount, payment.currency).unit_amount,
          reason: "duplicate",
          metadata: { checkout_session_id: payment.sessionId, order_id: line.orderId },
        },
        { idempotencyKey: attemptKey(`refund-line-${line.orderId}`, line.attempt) },
      );
      return { ok: true, refundId: refund.id };
    } catch (error) {
      return { ok: false, ...describeError(error), newKey: answerKeptForKey(error) };
    }
  },

  async settleReturn(session: SessionForProvider, params: URLSearchParams): Promise<PaymentOutcome> {
    const reference = session.reference ?? params.get("session_id");
    if (!reference) return { kind: "processing" };
    try {
      return await retrieveOwn(session, reference);
    } catch (error) {
      const { code, message } = describeError(error);
      console.warn(JSON.stringify({ event: "stripe_retrieve_failed", sessionId: session.id, code, message }));
      return { kind: "processing" };
    }
  },

  parseWebhook: (rawBody, headers) => parseStripeEvent(rawBody, headers),
};
