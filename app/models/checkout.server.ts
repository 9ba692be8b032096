import { randomUUID } from "node:crypto";
import { db } from "~/db.server";
import { Prisma } from "~/generated/prisma/client";
import type { Currency, PaymentProvider } from "~/generated/prisma/enums";
import { purchasedProductSelect } from "~/models/product.server";

// Checkout sessions with their orders and payment: opening them and recording the
// provider's checkout (reads: checkout-lookup; settlement: settlement.server.ts).

/** What a checkout is, opened or about to be. */
interface CheckoutTerms {
  buyerId: string;
  currency: Currency;
  total: number;
  provider: PaymentProvider;
  quoteHash: string;
  expiresAt: Date;
}

export interface NewCheckout extends CheckoutTerms {
  lines: Array<{ productId: string; title: string; amount: number }>;
  /** Given the new session's id, the provider reference we choose ourselves (or null). */
  reference: (sessionId: string) => string | null;
}

export interface OpenedCheckout extends CheckoutTerms {
  id: string;
  checkoutUrl: string | null;
  openAttempt: number;
  orders: Array<{ id: string; productId: string; amount: number; product: { title: string } }>;
  payment: { providerReference: string | null; providerPaymentId: string | null; confirmAttempt: number } | null;
}

export type OpenCheckoutResult =
  | { kind: "created"; session: OpenedCheckout }
  /** The buyer's open checkout in this currency is for this very quote. */
  | { kind: "existing"; session: OpenedCheckout }
  /** The buyer's open checkout in this currency is for another cart: it must end first. */
  | { kind: "other"; session: OpenedCheckout };

interface OpenRow {
  id: string;
  created: boolean;
  quoteHash: string;
  expiresAt: Date;
  checkoutUrl: string | null;
  openAttempt: number;
  total: number;
  provider: PaymentProvider;
  reference: string | null;
  paymentId: string | null;
  orders: Array<{ id: string; productId: string; amount: number; title: string }> | null;
}

/**
 * The statement that opens a checkout: the session, one order per product and
 * the payment, in one INSERT whatever the number of products. A partial
 * unique index allows one PENDING checkout per buyer and currency; when the
 * buyer holds one already, nothing is written and the same statement returns
 * that open checkout with its lines instead.
 */
export function openCheckoutStatement(checkout: NewCheckout, ids: { sessionId: string; orderIds: string[] }) {
  const reference = checkout.reference(ids.sessionId);
  return Prisma.sql`
    WITH session AS (
      INSERT INTO checkout_sessions (id, buyer_id, currency, total, provider, status, quote_hash, expires_at)
      VALUES (${ids.sessionId}::uuid, ${checkout.buyerId}::uuid, ${checkout.currency}::"Currency", ${checkout.total},
              ${checkout.provider}::"PaymentProvider", 'PENDING', ${checkout.quoteHash}, ${checkout.expiresAt})
      ON CONFLICT (buyer_id, currency) WHERE status = 'PENDING' DO NOTHING
      RETURNING id
    ), lines AS (
      INSERT INTO orders (id, checkout_session_id, product_id, buyer_id, amount, currency, status)
      SELECT line.id, session.id, line.product_id, ${checkout.buyerId}::uuid, line.amount, ${checkout.currency}::"Currency", 'PENDING'
        FROM session,
             unnest(${ids.orderIds}::uuid[], ${checkout.lines.map((line) => line.productId)}::uuid[],
                    ${checkout.lines.map((line) => line.amount)}::int[]) AS line(id, product_id, amount)
    ), payment AS (
      INSERT INTO payments (checkout_session_id, provider, provider_reference, amount, currency, status)
      SELECT session.id, ${checkout.provider}::"PaymentProvider", ${reference}, ${checkout.total}, ${checkout.currency}::"Currency", 'PENDING'
        FROM session
    )
    SELECT id::text AS id, true AS created, NULL AS "quoteHash", NULL::timestamptz AS "expiresAt", NULL AS "checkoutUrl",
           0 AS "openAttempt", 0 AS total, NULL AS provider, NULL AS reference, NULL AS "paymentId", NULL::json AS orders
      FROM session
    UNION ALL
    SELECT s.id::text, false, s.quote_hash, s.expires_at, s.checkout_url, s.open_attempt, s.total, s.provider::text,
           p.provider_reference, p.provider_payment_id,
           (SELECT json_agg(json_build_object('id', o.id, 'productId', o.product_id, 'amount', o.amount, 'title', pr.title) ORDER BY o.created_at)
              FROM orders o JOIN products pr ON pr.id = o.product_id WHERE o.checkout_session_id = s.id)
      FROM checkout_sessions s LEFT JOIN payments p ON p.checkout_session_id = s.id
     WHERE s.buyer_id = ${checkout.buyerId}::uuid AND s.currency = ${checkout.currency}::"Currency" AND s.status = 'PENDING'
       AND NOT EXISTS (SELECT 1 FROM session)`;
}

/**
 * A new checkout for this quote, or the buyer's open checkout in this
 * currency: for this very quote ("existing": concurrent identical posts all
 * end in one session, the first INSERT wins and the others read it), or for
 * another cart ("other": it must end before a new one can open).
 */
export async function openCheckoutSession(checkout: NewCheckout): Promise<OpenCheckoutResult> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const ids = { sessionId: randomUUID(), orderIds: checkout.lines.map(() => randomUUID()) };
    const [row] = await db().$queryRaw<OpenRow[]>(openCheckoutStatement(checkout, ids));
    // The open one ended, or committed during this statement (its snapshot cannot see it): again.
    if (!row) continue;
    if (row.created) {
      const session: OpenedCheckout = {
        id: ids.sessionId,
        buyerId: checkout.buyerId,
        currency: checkout.currency,
        total: checkout.total,
        provider: checkout.provider,
        quoteHash: checkout.quoteHash,
        expiresAt: checkout.expiresAt,
        checkoutUrl: null,
        openAttempt: 0,
        orders: checkout.lines.map((line, i) => ({ id: ids.orderIds[i], productId: line.productId, amount: line.amount, product: { title: line.title } })),
        payment: { providerReference: checkout.reference(ids.sessionId), providerPaymentId: null, confirmAttempt: 0 },
      };
      return { kind: "created", session };
    }
    const session: OpenedCheckout = {
      id: row.id,
      buyerId: checkout.buyerId,
      currency: checkout.currency,
      total: row.total,
      provider: row.provider,
      quoteHash: row.quoteHash,
      expiresAt: row.expiresAt,
      checkoutUrl: row.checkoutUrl,
      openAttempt: row.openAttempt,
      orders: (row.orders ?? []).map((order) => ({ id: order.id, productId: order.productId, amount: order.amount, product: { title: order.title } })),
      payment: { providerReference: row.reference, providerPaymentId: row.paymentId, confirmAttempt: 0 },
    };
    return { kind: row.quoteHash === checkout.quoteHash ? "existing" : "other", session };
  }
  throw new Error("Could not open a checkout: the open one kept changing under this request.");
}

/**
 * Records the provider's checkout on a session that is still PENDING, in one
 * statement. False when the session ended meanwhile (another request replaced
 * or expired it): the caller must end the provider's checkout it just opened.
 */
export async function recordProviderCheckout(
  sessionId: string,
  page: { reference: string; paymentId: string | null; redirectUrl: string },
): Promise<boolean> {
  const rows = await db().$queryRaw<Array<{ id: string }>>(recordProviderCheckoutStatement(sessionId, page));
  return rows.length > 0;
}

export function recordProviderCheckoutStatement(
  sessionId: string,
  { reference, paymentId, redirectUrl }: { reference: string; paymentId: string | null; redirectUrl: string },
) {
  return Prisma.sql`
    WITH session AS (
      UPDATE checkout_sessions SET checkout_url = ${redirectUrl}, updated_at = now()
       WHERE id = ${sessionId}::uuid AND status = 'PENDING'
      RETURNING id
    ), payment AS (
      UPDATE payments
         SET provider_reference = ${reference}, provider_payment_id = COALESCE(${paymentId || null}, provider_payment_id), updated_at = now()
       WHERE checkout_session_id IN (SELECT id FROM session)
    )
    SELECT id::text AS id FROM session`;
}

/**
 * The provider answered this attempt with an error it keeps for the attempt's
 * idempotency key: the next attempt uses a new key. Moves once per attempt,
 * however many requests saw the error.
 */
export async function advanceOpenAttempt(sessionId: string, seenAttempt: number): Promise<void> {
  await db().checkoutSession.updateMany({
    where: { id: sessionId, status: "PENDING", checkoutUrl: null, openAttempt: seenAttempt },
    data: { openAttempt: seenAttempt + 1 },
  });
}

/** Removes a checkout nobody could ever pay (no provider page opened), with its orders and payment. */
export async function discardUnopenedCheckout(sessionId: string): Promise<void> {
  await db().checkoutSession.deleteMany({ where: { id: sessionId, status: "PENDING", checkoutUrl: null } });
}
