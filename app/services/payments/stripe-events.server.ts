import type Stripe from "stripe";
import { env } from "~/env.server";
import type { PaymentOutcome, WebhookResult } from "~/services/payments/provider";
import {
  STRIPE_API_VERSION,
  outcomeOfCheckoutSession,
  paymentIntentId,
  sessionIdOf,
  stripe,
} from "~/services/payments/stripe-client.server";

// Stripe's webhooks: the signature over the raw body, then what each event
// type the shop acts on says about a checkout.

type Subject = NonNullable<Extract<WebhookResult, { kind: "event" }>["subject"]>;

function aboutSession(session: Stripe.Checkout.Session, outcome: PaymentOutcome): Subject {
  return { reference: session.id, paymentId: paymentIntentId(session.payment_intent), sessionId: sessionIdOf(session), outcome };
}

function aboutPayment(intent: string | null, sessionId: string | null, outcome: PaymentOutcome): Subject | null {
  return intent ? { reference: null, paymentId: intent, sessionId, outcome } : null;
}

/** A dispute closed for the shop: won, or an inquiry closed without a chargeback. */
const DISPUTE_WON = new Set(["won", "warning_closed", "prevented"]);

export function subjectOfEvent(event: Stripe.Event): Subject | null {
  switch (event.type) {
    case "checkout.session.completed":
    case "checkout.session.async_payment_succeeded":
    case "checkout.session.expired":
      return aboutSession(event.data.object, outcomeOfCheckoutSession(event.data.object));
    case "checkout.session.async_payment_failed":
      return aboutSession(event.data.object, {
        kind: "failed",
        code: "async_payment_failed",
        message: "The bank declined the delayed payment.",
      });
    case "charge.refunded": {
      const charge = event.data.object;
      const intent = paymentIntentId(charge.payment_intent);
      // A partial refund (one line paid twice) leaves the purchase standing;
      // only a full refund returns the whole checkout.
      if (charge.amount_refunded < charge.amount) return null;
      return aboutPayment(intent, charge.metadata?.checkout_session_id ?? null, { kind: "refunded", paymentId: intent ?? "" });
    }
    case "charge.dispute.created": {
      const intent = paymentIntentId(event.data.object.payment_intent);
      return aboutPayment(intent, null, { kind: "dispute-opened", paymentId: intent ?? "" });
    }
    case "charge.dispute.closed": {
      const dispute = event.data.object;
      const intent = paymentIntentId(dispute.payment_intent);
      if (dispute.status === "lost") return aboutPayment(intent, null, { kind: "refunded", paymentId: intent ?? "" });
      if (DISPUTE_WON.has(dispute.status)) return aboutPayment(intent, null, { kind: "dispute-won", paymentId: intent ?? "" });
      return null;
    }
    default:
      return null;
  }
}

/** Seconds a signature may be dated either side of now (the SDK's default tolerance). */
const SIGNATURE_TOLERANCE_SECONDS = 300;

// The SDK refuses signatures older than its tolerance but not ones dated
// ahead of it; a replay window must close on both sides.
function signedInFuture(signature: string, nowMs = Date.now()): boolean {
  const stamp = signature
    .split(",")
    .map((part) => part.trim())
    .find((part) => part.startsWith("t="));
  const seconds = Number(stamp?.slice(2));
  return Number.isFinite(seconds) && seconds - nowMs / 1000 > SIGNATURE_TOLERANCE_SECONDS;
}

export async function parseStripeEvent(rawBody: string, headers: Headers): Promise<WebhookResult> {
  const signature = headers.get("stripe-signature");
  const { STRIPE_WEBHOOK_SECRET } = env();
  if (!signature) return { kind: "invalid", message: "Missing Stripe-Signature header." };
  if (!STRIPE_WEBHOOK_SECRET) return { kind: "invalid", message: "Webhook secret is not configured." };
  let event: Stripe.Event;
  try {
    event = stripe().webhooks.constructEvent(rawBody, signature, STRIPE_WEBHOOK_SECRET);
  } catch (error) {
    const reason = error instanceof Error ? error.message : "invalid signature";
    return { kind: "invalid", message: `Webhook signature verification failed: ${reason}` };
  }
  if (signedInFuture(signature)) {
    return { kind: "invalid", message: "Webhook signature is dated more than 300 seconds in the future; check the sender's clock." };
  }
  if (event.api_version && event.api_version !== STRIPE_API_VERSION) {
    // The endpoint's API version decides the shape of what arrives; the shop
    // reads the fields it uses defensively, but the endpoint should be pinned
    // to the version the shop is.
    console.warn(
      JSON.stringify({ event: "stripe_event_api_version", eventId: event.id, received: event.api_version, expected: STRIPE_API_VERSION }),
    );
  }
  const subject = subjectOfEvent(event);
  // Events the shop does not act on are answered and not stored.
  if (!subject) return { kind: "ignored", reason: `${event.type} is not an event the shop acts on` };
  return { kind: "event", eventId: event.id, eventType: event.type, payload: event, subject };
}
