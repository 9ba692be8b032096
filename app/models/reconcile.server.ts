import { db } from "~/db.server";

// Which open checkouts the reconciliation job asks their provider about, shared by every server.

/**
 * Claims up to `batch` PENDING checkouts for one reconciliation pass: those
 * past their expiry, and those older than `staleBefore` (no webhook settled
 * them). A claimed session is skipped by every server until `recheckBefore`
 * has passed or it reaches its expiry, and rows another server is claiming
 * are skipped (SKIP LOCKED),
 * so several servers share the work without doing any of it twice at once.
 */
export async function claimCheckoutsToReconcile({
  now,
  staleBefore,
  recheckBefore,
  batch,
}: {
  now: Date;
  staleBefore: Date;
  recheckBefore: Date;
  batch: number;
}): Promise<string[]> {
  const rows = await db().$queryRaw<Array<{ id: string }>>`
    WITH due AS (
      SELECT id FROM checkout_sessions
       WHERE status = 'PENDING'
         AND (expires_at <= ${now} OR created_at <= ${staleBefore})
         AND (reconciled_at IS NULL OR reconciled_at <= ${recheckBefore} OR (expires_at <= ${now} AND reconciled_at < expires_at))
       ORDER BY expires_at
       LIMIT ${batch}
       FOR UPDATE SKIP LOCKED
    )
    UPDATE checkout_sessions s SET reconciled_at = ${now} FROM due WHERE s.id = due.id
    RETURNING s.id::text AS id`;
  return rows.map((row) => row.id);
}

/** The provider could not be asked: the checkout is due again on the next run. */
export async function releaseReconcileClaim(sessionId: string): Promise<void> {
  await db().checkoutSession.updateMany({ where: { id: sessionId, status: "PENDING" }, data: { reconciledAt: null } });
}
