import { z } from "zod";
import { findSessionIdByProviderIds } from "~/models/checkout-lookup.server";
import { isWebhookEventProcessed } from "~/models/webhook-event.server";
import type { WebhookResult } from "~/services/payments/provider";
import { paymentByKey } from "~/services/payments/toss-client.server";
import { outcomeOfTossPayment } from "~/services/payments/toss-outcomes";
import { hit } from "~/services/web/rate-limit.server";

// TossPayments' payment webhooks are not signed: anyone can post one. So the
// shop believes only what Toss's API says about the payment now, stores only
// the events it acts on, with an id made from what Toss said, asks Toss only
// about orders it opened, and lets a forged post cost at most one lookup per
// order and per payment every few seconds.

/** Event types the shop acts on (https://docs.tosspayments.com/guides/webhook). */
const HANDLED = new Set(["PAYMENT_STATUS_CHANGED"]);

/** At most one lookup at Toss per orderId and per paymentKey in this window, across all servers. */
export const LOOKUP_INTERVAL_MS = 2_000;

const TossEvent = z.object({
  eventType: z.string().max(100),
  // The event's data is a Payment object (https://docs.tosspayments.com/reference#payment-객체): it names its order.
  data: z.object({ paymentKey: z.string().min(1).max(200), orderId: z.string().min(1).max(64), status: z.string().max(40).optional() }).passthrough(),
});

const eventIdOf = (eventType: string, paymentKey: string, status: string) => `${eventType}:${paymentKey}:${status}`;

export async function parseTossWebhook(rawBody: string): Promise<WebhookResult> {
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    return { kind: "invalid", message: "The webhook body is not JSON." };
  }
  const event = TossEvent.safeParse(body);
  if (!event.success) return { kind: "invalid", message: "The webhook is not a TossPayments payment event." };
  const { eventType, data } = event.data;
  if (!HANDLED.has(eventType)) return { kind: "ignored", reason: `${eventType} is not an event the shop acts on` };

  // A repeat of a delivery already handled is answered without asking Toss.
  if (data.status && (await isWebhookEventProcessed("TOSS", eventIdOf(eventType, data.paymentKey, data.status)))) {
    return { kind: "ignored", reason: "already handled" };
  }
  // An order no checkout of this shop opened is none of its business: Toss is not asked.
  const sessionId = await findSessionIdByProviderIds({ reference: data.orderId, paymentId: null });
  if (!sessionId) {
    return { kind: "ignored", reason: "no checkout of this shop has that orderId" };
  }
  const lookups = await hit({ [`toss-lookup:${data.paymentKey}`]: 1, [`toss-lookup-order:${data.orderId}`]: 1 }, LOOKUP_INTERVAL_MS);
  if (lookups.limited) return { kind: "retry", message: "This payment was looked up at TossPayments moments ago." };

  const current = await paymentByKey(data.paymentKey);
  if (!current.ok && current.status === 404) return { kind: "ignored", reason: "TossPayments knows no such payment" };
  if (!current.ok) return { kind: "retry", message: `TossPayments could not be asked about the payment (${current.code}).` };
  const payment = current.payment;
  return {
    kind: "event",
    eventId: eventIdOf(eventType, payment.paymentKey, payment.status),
    eventType,
    // What Toss said, not what was posted.
    payload: { eventType, data: payment },
    // The checkout found above, if Toss's payment is of that order; else whichever has Toss's orderId.
    subject: {
      reference: payment.orderId,
      paymentId: payment.paymentKey,
      sessionId: payment.orderId === data.orderId ? sessionId : null,
      outcome: outcomeOfTossPayment(payment),
    },
  };
}
