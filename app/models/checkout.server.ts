import { randomUUID } from "node:crypto";
import { db } from "~/db.server";
import type { Prisma } from "~/generated/prisma/client";

// Checkout sessions with their orders and payment: the only code that writes them.

type Tx = Prisma.TransactionClient;
type Currency = "USD" | "KRW";
type Provider = "STRIPE" | "TOSS";
type SessionStatus = "PENDING" | "PAID" | "CANCELED" | "EXPIRED" | "FAILED" | "REFUNDED";

export interface NewCheckout {
  buyerId: string;
  currency: Currency;
  total: number;
  provider: Provider;
  quoteHash: string;
  expiresAt: Date;
  lines: Array<{ productId: string; amount: number }>;
  /** Given the new session's id, the provider reference we choose ourselves (or null). */
  reference: (sessionId: string) => string | null;
}

const checkoutWithLines = {
  id: true,
  buyerId: true,
  currency: true,
  total: true,
  provider: true,
  status: true,
  expiresAt: true,
  checkoutUrl: true,
  orders: { select: { id: true, productId: true, amount: true, product: { select: { title: true } } }, orderBy: { createdAt: "asc" } },
  payment: { select: { providerReference: true, providerPaymentId: true } },
} as const;

/**
 * The buyer's open checkout for this exact quote, or a new one (session, one
 * order per product, one payment) written in one transaction. A transaction
 * advisory lock on (buyer, quote) makes concurrent identical posts queue here,
 * so they all end in the same session.
 */
export async function openCheckoutSession(checkout: NewCheckout) {
  return db().$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`${checkout.buyerId}:${checkout.quoteHash}`}, 0))`;
    const existing = await tx.checkoutSession.findFirst({
      where: {
        buyerId: checkout.buyerId,
        quoteHash: checkout.quoteHash,
        status: "PENDING",
        expiresAt: { gt: new Date() },
      },
      orderBy: { createdAt: "desc" },
      select: checkoutWithLines,
    });
    if (existing) return { session: existing, created: false };

    const id = randomUUID();
    await tx.checkoutSession.create({
      data: {
        id,
        buyerId: checkout.buyerId,
        currency: checkout.currency,
        total: checkout.total,
        provider: checkout.provider,
        quoteHash: checkout.quoteHash,
        expiresAt: checkout.expiresAt,
        orders: {
          createMany: {
            data: checkout.lines.map((line) => ({
              productId: line.productId,
              buyerId: checkout.buyerId,
              amount: line.amount,
              currency: checkout.currency,
            })),
          },
        },
        payment: {
          create: {
            provider: checkout.provider,
            providerReference: checkout.reference(id),
            amount: checkout.total,
            currency: checkout.currency,
          },
        },
      },
      select: { id: true },
    });
    const session = await tx.checkoutSession.findUniqueOrThrow({ where: { id }, select: checkoutWithLines });
    return { session, created: true };
  });
}

export type OpenedCheckout = Awaited<ReturnType<typeof openCheckoutSession>>["session"];

export async function recordProviderCheckout(
  sessionId: string,
  { reference, paymentId, redirectUrl }: { reference: string; paymentId: string | null; redirectUrl: string },
) {
  await db().checkoutSession.update({
    where: { id: sessionId },
    data: {
      checkoutUrl: redirectUrl,
      payment: { update: { providerReference: reference, ...(paymentId ? { providerPaymentId: paymentId } : {}) } },
    },
  });
}

/** Marks a PENDING checkout, its orders and payment as ended; returns whether it moved. */
export async function endPendingCheckout(
  sessionId: string,
  status: "FAILED" | "CANCELED" | "EXPIRED",
  failure?: { code: string; message: string },
): Promise<boolean> {
  return db().$transaction(async (tx) => {
    const moved = await endCheckoutInTx(tx, sessionId, status, failure, ["PENDING"]);
    return moved;
  });
}

async function endCheckoutInTx(
  tx: Tx,
  sessionId: string,
  status: "FAILED" | "CANCELED" | "EXPIRED",
  failure: { code: string; message: string } | undefined,
  from: SessionStatus[],
): Promise<boolean> {
  const { count } = await tx.checkoutSession.updateMany({
    where: { id: sessionId, status: { in: from } },
    data: { status, failureCode: failure?.code ?? null, failureMessage: failure?.message ?? null },
  });
  if (count === 0) return false;
  await tx.order.updateMany({ where: { checkoutSessionId: sessionId, status: { in: from } }, data: { status } });
  await tx.payment.updateMany({
    where: { checkoutSessionId: sessionId, status: "PENDING" },
    data: { status, failureCode: failure?.code ?? null, failureMessage: failure?.message ?? null },
  });
  return true;
}

export interface LockedCheckout {
  id: string;
  buyerId: string;
  status: SessionStatus;
  total: number;
  currency: Currency;
}

/** The settlement operations, valid only inside `withLockedCheckout`. */
export interface CheckoutLedger {
  checkout: LockedCheckout;
  markPaid(payment: { paymentId: string; reference: string }): Promise<void>;
  markEnded(status: "FAILED" | "CANCELED" | "EXPIRED", failure?: { code: string; message: string }): Promise<void>;
  markRefunded(): Promise<void>;
  recordMismatch(reported: { amount: number; currency: string; code: string; message: string }): Promise<void>;
}

/**
 * Runs `work` in one transaction with the session row locked (FOR UPDATE), so
 * concurrent settlements of one session happen one after the other.
 */
export async function withLockedCheckout<T>(sessionId: string, work: (ledger: CheckoutLedger | null) => Promise<T>): Promise<T> {
  return db().$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<LockedCheckout[]>`
      SELECT id, buyer_id AS "buyerId", status::text AS status, total, currency::text AS currency
        FROM checkout_sessions WHERE id = ${sessionId}::uuid FOR UPDATE`;
    if (!row) return work(null);
    const ledger: CheckoutLedger = {
      checkout: row,
      async markPaid({ paymentId, reference }) {
        // One statement per table whatever the number of products.
        await tx.$executeRaw`
          UPDATE checkout_sessions
             SET status = 'PAID', paid_at = now(), updated_at = now(), failure_code = NULL, failure_message = NULL,
                 receipt_number = COALESCE(receipt_number,
                   'R-' || to_char(now() AT TIME ZONE 'UTC', 'YYYY') || '-' || lpad(nextval('receipt_number_seq')::text, 6, '0'))
           WHERE id = ${sessionId}::uuid`;
        await tx.order.updateMany({ where: { checkoutSessionId: sessionId }, data: { status: "PAID", paidAt: new Date() } });
        await tx.payment.update({
          where: { checkoutSessionId: sessionId },
          data: {
            status: "SUCCEEDED",
            providerPaymentId: paymentId,
            providerReference: reference,
            failureCode: null,
            failureMessage: null,
          },
        });
        await tx.$executeRaw`
          INSERT INTO entitlements (user_id, product_id, order_id)
          SELECT buyer_id, product_id, id FROM orders WHERE checkout_session_id = ${sessionId}::uuid
          ON CONFLICT (user_id, product_id) DO UPDATE
             SET order_id = EXCLUDED.order_id, revoked_at = NULL, granted_at = now()
           WHERE entitlements.revoked_at IS NOT NULL`;
        await tx.$executeRaw`
          UPDATE products SET download_count = download_count + 1, updated_at = now()
           WHERE id IN (SELECT product_id FROM orders WHERE checkout_session_id = ${sessionId}::uuid)`;
      },
      async markEnded(status, failure) {
        await endCheckoutInTx(tx, sessionId, status, failure, [row.status]);
      },
      async markRefunded() {
        await tx.checkoutSession.update({ where: { id: sessionId }, data: { status: "REFUNDED" } });
        await tx.order.updateMany({ where: { checkoutSessionId: sessionId, status: "PAID" }, data: { status: "REFUNDED" } });
        await tx.payment.update({ where: { checkoutSessionId: sessionId }, data: { status: "REFUNDED" } });
        await tx.$executeRaw`
          UPDATE entitlements SET revoked_at = now()
           WHERE revoked_at IS NULL
             AND order_id IN (SELECT id FROM orders WHERE checkout_session_id = ${sessionId}::uuid)`;
      },
      async recordMismatch({ amount, currency, code, message }) {
        await tx.payment.update({
          where: { checkoutSessionId: sessionId },
          data: { reportedAmount: amount, reportedCurrency: currency, failureCode: code, failureMessage: message },
        });
        await endCheckoutInTx(tx, sessionId, "FAILED", { code, message }, ["PENDING", "EXPIRED", "CANCELED", "FAILED"]);
      },
    };
    return work(ledger);
  });
}

/** The checkout a provider reference or payment id belongs to. */
export async function findSessionIdByProviderIds({ reference, paymentId }: { reference: string | null; paymentId: string | null }) {
  if (!reference && !paymentId) return null;
  const payment = await db().payment.findFirst({
    where: { OR: [...(reference ? [{ providerReference: reference }] : []), ...(paymentId ? [{ providerPaymentId: paymentId }] : [])] },
    select: { checkoutSessionId: true },
  });
  return payment?.checkoutSessionId ?? null;
}

/** The checkout with everything its pages show, if it belongs to this buyer. */
export async function findCheckoutForBuyer(sessionId: string, buyerId: string) {
  return db().checkoutSession.findFirst({
    where: { id: sessionId, buyerId },
    select: {
      id: true,
      status: true,
      currency: true,
      total: true,
      provider: true,
      expiresAt: true,
      createdAt: true,
      paidAt: true,
      receiptNumber: true,
      failureCode: true,
      failureMessage: true,
      buyer: { select: { email: true, displayName: true } },
      payment: {
        select: { provider: true, providerReference: true, providerPaymentId: true, status: true, amount: true, currency: true },
      },
      orders: {
        orderBy: { createdAt: "asc" },
        select: {
          id: true,
          status: true,
          amount: true,
          currency: true,
          product: {
            select: {
              id: true,
              title: true,
              seller: { select: { displayName: true } },
              files: { select: { id: true, filename: true, sizeBytes: true }, orderBy: { filename: "asc" } },
            },
          },
        },
      },
    },
  });
}

/** PENDING checkouts past their expiry become EXPIRED with their orders; each once, on any server. */
export async function expireStaleCheckouts(now = new Date(), batch = 500): Promise<string[]> {
  return db().$transaction(async (tx) => {
    const rows = await tx.$queryRaw<Array<{ id: string }>>`
      WITH stale AS (
        SELECT id FROM checkout_sessions
         WHERE status = 'PENDING' AND expires_at <= ${now}
         ORDER BY expires_at
         LIMIT ${batch}
         FOR UPDATE SKIP LOCKED
      )
      UPDATE checkout_sessions s SET status = 'EXPIRED', updated_at = now()
        FROM stale WHERE s.id = stale.id
      RETURNING s.id`;
    const ids = rows.map((row) => row.id);
    if (ids.length > 0) {
      await tx.order.updateMany({ where: { checkoutSessionId: { in: ids }, status: "PENDING" }, data: { status: "EXPIRED" } });
      await tx.payment.updateMany({ where: { checkoutSessionId: { in: ids }, status: "PENDING" }, data: { status: "EXPIRED" } });
    }
    return ids;
  });
}

export async function checkoutSummaryForProvider(sessionId: string) {
  return db().checkoutSession.findUnique({
    where: { id: sessionId },
    select: { id: true, total: true, currency: true, provider: true, payment: { select: { providerReference: true, providerPaymentId: true } } },
  });
}
