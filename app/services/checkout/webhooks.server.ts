import { json, type ActionFunctionArgs } from "@remix-run/node";
import { findSessionIdByProviderIds } from "~/models/checkout-lookup.server";
import { markWebhookProcessed, recordWebhookEvent } from "~/models/webhook-event.server";
import { settle } from "~/services/checkout/settle.server";
import { readBodyText } from "~/services/web/request-body.server";
import { paymentProvider, type ProviderName } from "~/services/payments/index.server";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface WebhookAnswer {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

/**
 * Verifies a provider's webhook, records it in the inbox once, and settles the
 * checkout it is about. A repeat of a handled event changes nothing.
 */
export async function receiveWebhook(providerName: ProviderName, rawBody: string, headers: Headers): Promise<WebhookAnswer> {
  const parsed = await paymentProvider(providerName).parseWebhook(rawBody, headers);
  if (parsed.kind === "invalid") return { status: 400, body: { error: parsed.message } };
  if (parsed.kind === "ignored") return { status: 200, body: { received: true, ignored: parsed.reason } };
  if (parsed.kind === "retry") {
    return { status: 503, body: { error: `${parsed.message} Deliver it again later.` }, headers: { "Retry-After": "5" } };
  }

  const inbox = await recordWebhookEvent({
    provider: providerName,
    eventId: parsed.eventId,
    eventType: parsed.eventType,
    payload: parsed.payload,
  });
  if (inbox.alreadyProcessed) return { status: 200, body: { received: true, duplicate: true } };

  try {
    let settled: string | null = null;
    if (parsed.subject) {
      const { sessionId, reference, paymentId, outcome } = parsed.subject;
      const target =
        sessionId && UUID.test(sessionId) ? sessionId : await findSessionIdByProviderIds({ reference, paymentId });
      if (target) settled = (await settle(target, outcome))?.status ?? null;
    }
    await markWebhookProcessed(inbox.id);
    return { status: 200, body: { received: true, status: settled } };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await markWebhookProcessed(inbox.id, message).catch(() => {});
    console.error(JSON.stringify({ event: "webhook_failed", provider: providerName, eventId: parsed.eventId, message }));
    return { status: 500, body: { error: "The event could not be processed; it will be retried." } };
  }
}

/**
 * The action of a provider's webhook route: the raw body first (Stripe signs
 * the exact bytes), no more of it than the shop reads of any body (413),
 * then the answer as HTTP.
 */
export function webhookAction(providerName: ProviderName) {
  return async ({ request }: ActionFunctionArgs) => {
    const rawBody = await readBodyText(request);
    const answer = await receiveWebhook(providerName, rawBody, request.headers);
    return json(answer.body, { status: answer.status, headers: answer.headers });
  };
}
