import { db } from "~/db.server";

// Which open checkouts the reconciliation job asks their provider about, shared by every server.

/**
 * Claims up to `batch` PENDING checkouts for one reconciliation pass: those
 * past their expiry, those older than `staleBefore` (no webhook settled
 * them), and those whose payment is under way at the provider (an approval
 * whose confirm met a transient error, a payment still processing) and has
 * not moved since `underWayBefore`. A claimed session is skipped by every server until `recheckBefore`
 * has passed or it reaches its expiry, and rows another server is claiming
 * are skipped (SKIP LOCKED),
 * so several servers share the work without doing any of it twice at once.
 */
export async function claimCheckoutsToReconcile({
  now,
  staleBefore,
  recheckBefore,
  underWayBefore,
  batch,
}: {
  now: Date;
  staleBefore: Date;
  recheckBefore: Date;
  underWayBefore: Date;
  batch: number;
}): Promise<string[]> {
  const rows = await db().$queryRaw<Array<{ id: string }>>`
    WITH due AS (
      SELECT s.id FROM checkout_sessions s
       WHERE s.status = 'PENDING'
         AND (s.expires_at <= ${now} OR s.created_at <= ${staleBefore}
              OR EXISTS (SELECT 1 FROM payments p
                          WHERE p.checkout_session_id = s.id AND p.status = 'PENDING'
                            AND p.provider_payment_id IS NOT NULL AND p.updated_at <= ${underWayBefore}))
         AND (s.reconciled_at IS NULL OR s.reconciled_at <= ${recheckBefore} OR (s.expires_at <= ${now} AND s.reconciled_at < s.expires_at))
       ORDER BY s.expires_at
       LIMIT ${batch}
       FOR UPDATE OF s SKIP LOCKED
    )
    UPDATE checkout_sessions s SET reconciled_at = ${now} FROM due WHERE s.id = due.id
    RETURNING s.id::text AS id`;
  return rows.map((row) => row.id);
}

/** The provider could not be asked: the checkout is due again on the next run. */
export async function releaseReconcileClaim(sessionId: string): Promise<void> {
  await db().checkoutSession.updateMany({ where: { id: sessionId, status: "PENDING" }, data: { reconciledAt: null } });
}
