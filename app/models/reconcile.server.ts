import { db } from "~/db.server";

// Which open checkouts the reconciliation job asks their provider about, shared by every server.

/**
 * Claims up to `batch` PENDING checkouts for one reconciliation pass: those
 * past their expiry, those older than `staleBefore` (no webhook settled
 * them), and those with a Toss approval waiting for the shop's confirm (its
 * confirm met a transient error) that has not moved since `underWayBefore`.
 * A claimed checkout is skipped by every server until `recheckBefore` has
 * passed (`underWayBefore` for a waiting approval, which Toss lets the shop
 * confirm for 10 minutes only) or it reaches its expiry, and rows another
 * server is claiming are skipped (SKIP LOCKED), so several servers share the
 * work without doing any of it twice at once.
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
        LEFT JOIN payments waiting
          ON waiting.checkout_session_id = s.id AND waiting.provider = 'TOSS'
         AND waiting.status = 'PENDING' AND waiting.provider_payment_id IS NOT NULL
       WHERE s.status = 'PENDING'
         AND (s.expires_at <= ${now} OR s.created_at <= ${staleBefore} OR waiting.updated_at <= ${underWayBefore})
         AND (s.reconciled_at IS NULL OR s.reconciled_at <= ${recheckBefore}
              OR (waiting.id IS NOT NULL AND s.reconciled_at <= ${underWayBefore})
              OR (s.expires_at <= ${now} AND s.reconciled_at < s.expires_at))
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
