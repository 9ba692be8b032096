import { randomUUID } from "node:crypto";
import { db } from "~/db.server";
import { purchasedProductSelect } from "~/models/product.server";
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
  lines: Array<{ productId: string; title: string; amount: number }>;
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

export interface OpenedCheckout {
  id: string;
  buyerId: string;
  currency: Currency;
  total: number;
  provider: Provider;
  status: SessionStatus;
  expiresAt: Date;
  checkoutUrl: string | null;
  orders: Array<{ id: string; productId: string; amount: number; product: { title: string } }>;
  payment: { providerReference: string | null; providerPaymentId: string | null } | null;
}

/**
 * The buyer's open checkout for this exact quote, or a new one: the session,
 * one order per product and the payment, written by one INSERT statement
 * whatever the number of products. A partial unique index allows one PENDING
 * checkout per (buyer, quote), so concurrent identical posts all end in the
 * same session: the first INSERT wins, the others wait for it and read it.
 */
export async function openCheckoutSession(checkout: NewCheckout): Promise<{ session: OpenedCheckout; created: boolean }> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const id = randomUUID();
    const orders = checkout.lines.map((line) => ({ id: randomUUID(), productId: line.productId, amount: line.amount, product: { title: line.title } }));
    const reference = checkout.reference(id);
    const inserted = await db().$queryRaw<Array<{ id: string }>>`
      WITH session AS (
        INSERT INTO checkout_sessions (id, buyer_id, currency, total, provider, status, quote_hash, expires_at)
        VALUES (${id}::uuid, ${checkout.buyerId}::uuid, ${checkout.currency}::"Currency", ${checkout.total},
                ${checkout.provider}::"PaymentProvider", 'PENDING', ${checkout.quoteHash}, ${checkout.expiresAt})
        ON CONFLICT (buyer_id, quote_hash) WHERE status = 'PENDING' DO NOTHING
        RETURNING id
      ), lines AS (
        INSERT INTO orders (id, checkout_session_id, product_id, buyer_id, amount, currency, status)
        SELECT line.id, session.id, line.product_id, ${checkout.buyerId}::uuid, line.amount, ${checkout.currency}::"Currency", 'PENDING'
          FROM session,
               unnest(${orders.map((order) => order.id)}::uuid[], ${orders.map((order) => order.productId)}::uuid[],
                      ${orders.map((order) => order.amount)}::int[]) AS line(id, product_id, amount)
      ), payment AS (
        INSERT INTO payments (checkout_session_id, provider, provider_reference, amount, currency, status)
        SELECT session.id, ${checkout.provider}::"PaymentProvider", ${reference}, ${checkout.total}, ${checkout.currency}::"Currency", 'PENDING'
          FROM session
      )
      SELECT id::text AS id FROM session`;
    if (inserted.length > 0) {
      const session: OpenedCheckout = {
        id,
        buyerId: checkout.buyerId,
        currency: checkout.currency,
        total: checkout.total,
        provider: checkout.provider,
        status: "PENDING",
        expiresAt: checkout.expiresAt,
        checkoutUrl: null,
        orders,
        payment: { providerReference: reference, providerPaymentId: null },
      };
      return { session, created: true };
    }
    const existing = await db().checkoutSession.findFirst({
      where: { buyerId: checkout.buyerId, quoteHash: checkout.quoteHash, status: "PENDING" },
      select: checkoutWithLines,
    });
    if (existing && existing.expiresAt > new Date()) return { session: existing, created: false };
    // Past its time but not yet reached by the expiry job: expire it as the job
    // would, then open a new one. (Or it ended meanwhile: simply try again.)
    if (existing) await endPendingCheckout(existing.id, "EXPIRED");
  }
  throw new Error("Could not open a checkout: the open one kept changing under this request.");
}

export async function recordProviderCheckout(
  sessionId: string,
  { reference, paymentId, redirectUrl }: { reference: string; paymentId: string | null; redirectUrl: string },
) {
  // One statement for both rows: the payment changes only if the session exists.
  await db().$executeRaw`
    WITH session AS (
      UPDATE checkout_sessions SET checkout_url = ${redirectUrl}, updated_at = now() WHERE id = ${sessionId}::uuid RETURNING id
    )
    UPDATE payments
       SET provider_reference = ${reference}, provider_payment_id = COALESCE(${paymentId || null}, provider_payment_id), updated_at = now()
     WHERE checkout_session_id IN (SELECT id FROM session)`;
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
        // One statement whatever the number of products: session, orders and
        // payment PAID, access granted, download counts + 1. Products are
        // locked in id order first, so settlements of overlapping carts queue
        // instead of deadlocking; access is granted in product order for the
        // same reason.
        await tx.$executeRaw`
          WITH paid_orders AS (
            UPDATE orders SET status = 'PAID', paid_at = now(), updated_at = now()
             WHERE checkout_session_id = ${sessionId}::uuid
            RETURNING id, buyer_id, product_id
          ), counted AS (
            SELECT id FROM products WHERE id IN (SELECT product_id FROM paid_orders) ORDER BY id FOR UPDATE
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
          ), granted AS (
            INSERT INTO entitlements (user_id, product_id, order_id)
            SELECT buyer_id, product_id, id FROM paid_orders ORDER BY product_id
            ON CONFLICT (user_id, product_id) DO UPDATE
               SET order_id = EXCLUDED.order_id, revoked_at = NULL, granted_at = now()
             WHERE entitlements.revoked_at IS NOT NULL
          )
          UPDATE products SET download_count = download_count + 1, updated_at = now()
            FROM counted WHERE products.id = counted.id`;
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
          productId: true,
          status: true,
          amount: true,
          currency: true,
          product: { select: purchasedProductSelect },
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
