import type { PaymentProvider } from "~/generated/prisma/enums";
import { db } from "~/db.server";
import { Prisma } from "~/generated/prisma/client";

type Provider = PaymentProvider;

/** Puts an event in the inbox once; says whether an earlier delivery already handled it. */
export async function recordWebhookEvent(event: { provider: Provider; eventId: string; eventType: string; payload: unknown }) {
  const [inserted] = await db().$queryRaw<Array<{ id: string }>>(recordWebhookEventStatement(event));
  if (inserted) return { id: inserted.id, alreadyProcessed: false };
  const existing = await db().webhookEvent.findUniqueOrThrow({
    where: { provider_eventId: { provider: event.provider, eventId: event.eventId } },
    select: { id: true, processedAt: true },
  });
  return { id: existing.id, alreadyProcessed: existing.processedAt !== null };
}

/** Whether an event with this id was received and handled already. */
export async function isWebhookEventProcessed(provider: Provider, eventId: string): Promise<boolean> {
  const row = await db().webhookEvent.findUnique({ where: { provider_eventId: { provider, eventId } }, select: { processedAt: true } });
  return row?.processedAt != null;
}

export function recordWebhookEventStatement(event: { provider: Provider; eventId: string; eventType: string; payload: unknown }) {
  return Prisma.sql`
    INSERT INTO webhook_events (provider, event_id, event_type, payload)
    VALUES (${event.provider}::"PaymentProvider", ${event.eventId}, ${event.eventType}, ${JSON.stringify(event.payload)}::jsonb)
    ON CONFLICT (provider, event_id) DO NOTHING
    RETURNING id`;
}

export function markWebhookProcessedStatement(id: string) {
  return Prisma.sql`UPDATE webhook_events SET processed_at = now(), error = NULL WHERE id = ${id}::uuid`;
}

export async function markWebhookProcessed(id: string, error: string | null = null) {
  // Returns nothing: the inbox row carries the whole payload, which nobody needs back here.
  if (error) await db().$executeRaw`UPDATE webhook_events SET error = ${error} WHERE id = ${id}::uuid`;
  else await db().$executeRaw(markWebhookProcessedStatement(id));
}
