import Stripe from "stripe";
import { env } from "~/env.server";
import { toStripeAmount } from "~/services/money";
import type {
  CheckoutRequest,
  CreateCheckoutResult,
  PaymentOutcome,
  PaymentProvider,
  SessionForProvider,
  WebhookResult,
} from "~/services/payments/provider";
import { ProviderError } from "~/services/payments/provider";

// Stripe Checkout through the official SDK. STRIPE_API_BASE (the sandbox in
// development and tests) changes only where the SDK connects.

let client: Stripe | undefined;

function stripe(): Stripe {
  if (!client) {
    const settings = env();
    if (!settings.STRIPE_SECRET_KEY) throw new ProviderError("not_configured", "STRIPE_SECRET_KEY is not set.");
    const base = settings.STRIPE_API_BASE ? new URL(settings.STRIPE_API_BASE) : null;
    const protocol = base?.protocol === "http:" ? "http" : "https";
    client = new Stripe(settings.STRIPE_SECRET_KEY, {
      ...(base ? { host: base.hostname, port: Number(base.port || (protocol === "http" ? 80 : 443)), protocol } : {}),
      timeout: settings.PROVIDER_TIMEOUT_MS,
      // A retry is the shopper pressing 결제하기 again, which reuses the session.
      maxNetworkRetries: 0,
    });
  }
  return client;
}

function sessionIdOf(session: Stripe.Checkout.Session): string | null {
  return session.metadata?.checkout_session_id ?? session.client_reference_id ?? null;
}

function paymentIntentId(value: string | Stripe.PaymentIntent | null): string | null {
  if (!value) return null;
  return typeof value === "string" ? value : value.id;
}

function subjectOf(session: Stripe.Checkout.Session, outcome: PaymentOutcome) {
  return { reference: session.id, paymentId: paymentIntentId(session.payment_intent), sessionId: sessionIdOf(session), outcome };
}

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
  return { kind: "processing" };
}

function describeError(error: unknown): { code: string; message: string } {
  if (error instanceof Stripe.errors.StripeError) {
    if (error instanceof Stripe.errors.StripeConnectionError) {
      return { code: "provider_unreachable", message: "Stripe did not answer in time." };
    }
    return { code: error.code ?? error.type, message: error.message };
  }
  if (error instanceof ProviderError) return { code: error.code, message: error.message };
  throw error;
}

export const stripeProvider: PaymentProvider = {
  name: "STRIPE",

  async createCheckout(request: CheckoutRequest): Promise<CreateCheckoutResult> {
    const { APP_URL } = env();
    const nowSeconds = Math.floor(Date.now() / 1000);
    // Stripe refuses an expiry less than 30 minutes ahead; ours can be a few
    // seconds short of that by the time this call is made.
    const expiresAt = Math.max(Math.floor(request.expiresAt.getTime() / 1000), nowSeconds + 30 * 60 + 10);
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
          expires_at: expiresAt,
          success_url: `${APP_URL}/checkout/${request.sessionId}/success?session_id={CHECKOUT_SESSION_ID}`,
          cancel_url: `${APP_URL}/cart?canceled=${request.sessionId}`,
        },
        { idempotencyKey: `checkout-session-${request.sessionId}` },
      );
      if (!session.url) return { ok: false, code: "no_checkout_url", message: "Stripe returned no checkout page." };
      return { ok: true, reference: session.id, paymentId: null, redirectUrl: session.url };
    } catch (error) {
      return { ok: false, ...describeError(error) };
    }
  },

  async settleReturn(session: SessionForProvider, params: URLSearchParams): Promise<PaymentOutcome> {
    const reference = session.reference ?? params.get("session_id");
    if (!reference) return { kind: "processing" };
    try {
      const checkout = await stripe().checkout.sessions.retrieve(reference);
      if (sessionIdOf(checkout) !== session.id) {
        return { kind: "failed", code: "reference_mismatch", message: "Stripe's session belongs to another checkout." };
      }
      return outcomeOfCheckoutSession(checkout);
    } catch (error) {
      const { code, message } = describeError(error);
      console.warn(JSON.stringify({ event: "stripe_retrieve_failed", sessionId: session.id, code, message }));
      return { kind: "processing" };
    }
  },

  async parseWebhook(rawBody: string, headers: Headers): Promise<WebhookResult> {
    const signature = headers.get("stripe-signature");
    const { STRIPE_WEBHOOK_SECRET } = env();
    if (!signature) return { ok: false, status: 400, message: "Missing Stripe-Signature header." };
    if (!STRIPE_WEBHOOK_SECRET) return { ok: false, status: 400, message: "Webhook secret is not configured." };
    let event: Stripe.Event;
    try {
      event = stripe().webhooks.constructEvent(rawBody, signature, STRIPE_WEBHOOK_SECRET);
    } catch (error) {
      const reason = error instanceof Error ? error.message : "invalid signature";
      return { ok: false, status: 400, message: `Webhook signature verification failed: ${reason}` };
    }
    const base = { ok: true as const, eventId: event.id, eventType: event.type, payload: event };
    switch (event.type) {
      case "checkout.session.completed":
      case "checkout.session.async_payment_succeeded":
      case "checkout.session.expired":
        return { ...base, subject: subjectOf(event.data.object, outcomeOfCheckoutSession(event.data.object)) };
      case "checkout.session.async_payment_failed":
        return {
          ...base,
          subject: subjectOf(event.data.object, {
            kind: "failed",
            code: "async_payment_failed",
            message: "The bank declined the delayed payment.",
          }),
        };
      case "charge.refunded": {
        const charge = event.data.object;
        const intent = typeof charge.payment_intent === "string" ? charge.payment_intent : charge.payment_intent?.id;
        // Partial refunds leave the purchase standing; only a full refund revokes it.
        if (!intent || charge.amount_refunded < charge.amount) return { ...base, subject: null };
        return {
          ...base,
          subject: {
            reference: null,
            paymentId: intent,
            sessionId: charge.metadata?.checkout_session_id ?? null,
            outcome: { kind: "refunded", paymentId: intent },
          },
        };
      }
      default:
        return { ...base, subject: null };
    }
  },
};
