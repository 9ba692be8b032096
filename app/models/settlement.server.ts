import { db } from "~/db.server";
import { Prisma } from "~/generated/prisma/client";
import type { CheckoutSessionStatus, Currency } from "~/generated/prisma/enums";

// The ledger: the statements that move a checkout, its orders, its payment and
// the buyer's access. It decides nothing; services/settlement-rules.ts does.

type EndStatus = "FAILED" | "CANCELED" | "EXPIRED";
export type Failure = { code: string; message: string };

/**
 * Ends a checkout in `from`, with its orders and payment, in one statement.
 * With `seenCheckoutUrl`, only if its provider page is still the one the
 * caller saw: a request that recorded a page meanwhile makes it a no-op.
 */
export function endCheckoutStatement(
  sessionId: string,
  status: EndStatus,
  failure: Failure | undefined,
  from: CheckoutSessionStatus[],
  { seenCheckoutUrl, overPlainExpiry = false }: EndConditions = {},
) {
  const seen = seenCheckoutUrl === undefined ? Prisma.empty : Prisma.sql`AND checkout_url IS NOT DISTINCT FROM ${seenCheckoutUrl}`;
  const plainExpiry = overPlainExpiry ? Prisma.sql`OR (status = 'EXPIRED' AND failure_code IS NULL)` : Prisma.empty;
  // The orders and payment move from the same states as their checkout.
  const linesFrom = overPlainExpiry ? [...from, "EXPIRED"] : from;
  return Prisma.sql`
    WITH ended AS (
      UPDATE checkout_sessions
         SET status = ${status}::"CheckoutSessionStatus", failure_code = ${failure?.code ?? null}, failure_message = ${failure?.message ?? null}, updated_at = now()
       WHERE id = ${sessionId}::uuid AND (status::text = ANY(${from}::text[]) ${plainExpiry}) ${seen}
      RETURNING id
    ), ended_orders AS (
      UPDATE orders SET status = ${status}::"OrderStatus", updated_at = now()
       WHERE checkout_session_id IN (SELECT id FROM ended) AND status::text = ANY(${linesFrom}::text[])
    ), ended_payment AS (
      UPDATE payments
         SET status = ${status}::"PaymentStatus", failure_code = ${failure?.code ?? null}, failure_message = ${failure?.message ?? null}, updated_at = now()
       WHERE checkout_session_id IN (SELECT id FROM ended) AND status::text = ANY(${linesFrom}::text[])
    )
    SELECT id::text AS id FROM ended`;
}

export interface EndConditions {
  /**
   * Only if its provider checkout is still the one the caller saw: a request
   * that recorded a provider page meanwhile makes the end a no-op, so a page
   * nobody ended at the provider is never left payable behind an ended checkout.
   */
  seenCheckoutUrl?: string | null;
  /**
   * Also over a plain expiry (EXPIRED, no reason). Ending a checkout at the
   * provider makes it send its own "expired" event, which can be handled
   * before the provider's answer arrives; the shop's end then still records
   * why it ended (canceled by the shopper, replaced).
   */
  overPlainExpiry?: boolean;
}

/** Ends a PENDING checkout, its orders and payment, in one statement. Returns whether it moved. */
export async function endPendingCheckout(sessionId: string, status: EndStatus, failure?: Failure, conditions?: EndConditions): Promise<boolean> {
  const rows = await db().$queryRaw<Array<{ id: string }>>(endCheckoutStatement(sessionId, status, failure, ["PENDING"], conditions));
  return rows.length > 0;
}

export interface LockedCheckout {
  id: string;
  buyerId: string;
  status: CheckoutSessionStatus;
  total: number;
  currency: Currency;
  /** Whether any of its orders is PAID (once paid, the others are lines the shop refunded as paid twice). */
  hasPaidLine: boolean;
}

/**
 * Settles a paid checkout in one statement whatever the number of products.
 * Access is granted first: a product the buyer already holds access to
 * (another PAID order, committed or being committed by a concurrent
 * settlement, which INSERT ... ON CONFLICT waits for) grants nothing and is a
 * duplicate line, REFUNDED and due for a refund; only the lines that granted
 * access are PAID and counted in download_count. Products are locked in id
 * order and access is granted in product order, so settlements of
 * overlapping carts queue instead of deadlocking. Returns the duplicate lines.
 */
export function markPaidStatement(sessionId: string, { paymentId, reference }: { paymentId: string; reference: string }) {
  return Prisma.sql`
    WITH lines AS (
      SELECT id, buyer_id, product_id FROM orders WHERE checkout_session_id = ${sessionId}::uuid
    ), granted AS (
      INSERT INTO entitlements (user_id, product_id, order_id)
      SELECT buyer_id, product_id, id FROM lines ORDER BY product_id
      ON CONFLICT (user_id, product_id) DO UPDATE
         SET order_id = EXCLUDED.order_id, revoked_at = NULL, suspended_at = NULL, granted_at = now()
       WHERE entitlements.revoked_at IS NOT NULL
      RETURNING product_id
    ), settled_orders AS (
      UPDATE orders
         SET status = CASE WHEN product_id IN (SELECT product_id FROM granted) THEN 'PAID'::"OrderStatus" ELSE 'REFUNDED'::"OrderStatus" END,
             refund_requested_at = CASE WHEN product_id IN (SELECT product_id FROM granted) THEN NULL ELSE now() END,
             paid_at = now(), updated_at = now()
       WHERE checkout_session_id = ${sessionId}::uuid
      RETURNING id, status, amount
    ), counted AS (
      SELECT id FROM products WHERE id IN (SELECT product_id FROM granted) ORDER BY id FOR UPDATE
    ), counts AS (
      UPDATE products SET download_count = download_count + 1, updated_at = now()
        FROM counted WHERE products.id = counted.id
    ), paid_session AS (
      UPDATE checkout_sessions
         SET status = 'PAID', paid_at = now(), updated_at = now(), failure_code = NULL, failure_message = NULL,
             receipt_number = COALESCE(receipt_number,
               'R-' || to_char(now() AT TIME ZONE 'UTC', 'YYYY') || '-' || lpad(nextval('receipt_number_seq')::text, 6, '0'))
       WHERE id = ${sessionId}::uuid
    ), paid_payment AS (
      UPDATE payments
         SET status = 'SUCCEEDED', provider_payment_id = ${paymentId}, provider_reference = ${reference},
             failure_code = NULL, failure_message = NULL, updated_at = now()
       WHERE checkout_session_id = ${sessionId}::uuid
    )
    SELECT id::text AS "orderId", amount FROM settled_orders WHERE status = 'REFUNDED'`;
}

/** A line of this checkout that the buyer had already paid for elsewhere: refund it. */
export interface DuplicateLine {
  orderId: string;
  amount: number;
}

/** The settlement operations, valid only inside `withLockedCheckout`. */
export interface CheckoutLedger {
  checkout: LockedCheckout;
  /** Everything PAID and access granted; returns the lines the buyer already owned. */
  markPaid(payment: { paymentId: string; reference: string }): Promise<DuplicateLine[]>;
  markEnded(status: EndStatus, failure?: Failure): Promise<void>;
  /** The whole payment returned (a full refund, a lost dispute). */
  markRefunded(): Promise<void>;
  recordMismatch(reported: { amount: number; currency: string } & Failure): Promise<void>;
  /** The provider's id of a payment under way, kept on the open payment. */
  notePayment(paymentId: string): Promise<void>;
  suspendAccess(): Promise<void>;
  restoreAccess(): Promise<void>;
}

export function lockCheckoutStatement(sessionId: string) {
  return Prisma.sql`
    SELECT s.id, s.buyer_id AS "buyerId", s.status::text AS status, s.total, s.currency::text AS currency,
           EXISTS (SELECT 1 FROM orders o WHERE o.checkout_session_id = s.id AND o.status = 'PAID') AS "hasPaidLine"
      FROM checkout_sessions s WHERE s.id = ${sessionId}::uuid FOR UPDATE OF s`;
}

/**
 * Runs `work` in one transaction with the session row locked (FOR UPDATE), so
 * concurrent settlements of one session happen one after the other.
 */
export async function withLockedCheckout<T>(sessionId: string, work: (ledger: CheckoutLedger | null) => Promise<T>): Promise<T> {
  return db().$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<LockedCheckout[]>(lockCheckoutStatement(sessionId));
    if (!row) return work(null);
    const ledger: CheckoutLedger = {
      checkout: row,
      async markPaid({ paymentId, reference }) {
        return tx.$queryRaw<DuplicateLine[]>(markPaidStatement(sessionId, { paymentId, reference }));
      },
      async notePayment(paymentId) {
        await tx.payment.updateMany({ where: { checkoutSessionId: sessionId, status: "PENDING" }, data: { providerPaymentId: paymentId } });
      },
      async markEnded(status, failure) {
        await tx.$queryRaw(endCheckoutStatement(sessionId, status, failure, [row.status]));
      },
      async markRefunded() {
        // Access follows the orders: a product stays in the buyer's library
        // while another PAID order of theirs grants it (the grant moves to that
        // order); otherwise its access is revoked.
        await tx.$executeRaw`
          WITH refunded_orders AS (
            UPDATE orders SET status = 'REFUNDED', updated_at = now()
             WHERE checkout_session_id = ${sessionId}::uuid AND status = 'PAID'
            RETURNING id, buyer_id, product_id
          ), refunded_session AS (
            UPDATE checkout_sessions SET status = 'REFUNDED', updated_at = now() WHERE id = ${sessionId}::uuid
          ), refunded_payment AS (
            UPDATE payments SET status = 'REFUNDED', updated_at = now() WHERE checkout_session_id = ${sessionId}::uuid
          )
          UPDATE entitlements e
             SET order_id = COALESCE(still_paid.id, e.order_id),
                 revoked_at = CASE WHEN still_paid.id IS NULL THEN now() ELSE NULL END,
                 suspended_at = CASE WHEN still_paid.id IS NULL THEN e.suspended_at ELSE NULL END
            FROM refunded_orders r
            LEFT JOIN LATERAL (
              SELECT o.id FROM orders o
               WHERE o.buyer_id = r.buyer_id AND o.product_id = r.product_id AND o.status = 'PAID'
                 AND o.checkout_session_id <> ${sessionId}::uuid
               ORDER BY o.paid_at LIMIT 1
            ) still_paid ON true
           WHERE e.user_id = r.buyer_id AND e.product_id = r.product_id AND e.revoked_at IS NULL
             AND e.order_id IN (SELECT id FROM refunded_orders)`;
      },
      async recordMismatch({ amount, currency, code, message }) {
        await tx.payment.update({
          where: { checkoutSessionId: sessionId },
          data: { reportedAmount: amount, reportedCurrency: currency, failureCode: code, failureMessage: message },
        });
        await tx.$queryRaw(endCheckoutStatement(sessionId, "FAILED", { code, message }, ["PENDING", "EXPIRED", "CANCELED", "FAILED"]));
      },
      async suspendAccess() {
        await tx.$executeRaw`
          UPDATE entitlements SET suspended_at = now()
           WHERE revoked_at IS NULL AND suspended_at IS NULL
             AND order_id IN (SELECT id FROM orders WHERE checkout_session_id = ${sessionId}::uuid)`;
      },
      async restoreAccess() {
        await tx.$executeRaw`
          UPDATE entitlements SET suspended_at = NULL
           WHERE suspended_at IS NOT NULL
             AND order_id IN (SELECT id FROM orders WHERE checkout_session_id = ${sessionId}::uuid)`;
      },
    };
    return work(ledger);
  });
}

/** Duplicate lines whose refund the provider has not confirmed yet, oldest first. */
export async function findRefundsDue(limit: number, sessionId?: string) {
  return db().order.findMany({
    where: { refundRequestedAt: { not: null }, providerRefundId: null, ...(sessionId ? { checkoutSessionId: sessionId } : {}) },
    orderBy: { refundRequestedAt: "asc" },
    take: limit,
    select: {
      id: true,
      amount: true,
      currency: true,
      refundAttempt: true,
      checkoutSessionId: true,
      checkoutSession: { select: { provider: true, payment: { select: { providerReference: true, providerPaymentId: true } } } },
    },
  });
}

/** The refund's attempt answered an error the provider replays for its key: the next attempt uses a new one. */
export async function advanceRefundAttempt(orderId: string, seenAttempt: number): Promise<void> {
  await db().order.updateMany({ where: { id: orderId, refundAttempt: seenAttempt, providerRefundId: null }, data: { refundAttempt: seenAttempt + 1 } });
}

export async function recordLineRefund(orderId: string, providerRefundId: string): Promise<void> {
  await db().order.updateMany({ where: { id: orderId, providerRefundId: null }, data: { providerRefundId } });
}
