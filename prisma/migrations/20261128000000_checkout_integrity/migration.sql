-- Checkout integrity: one open checkout per buyer and currency, provider
-- attempts, reconciliation, refunds of a product paid twice, and disputes.

-- Which attempt at opening the provider's checkout this session is on. The
-- provider's idempotency key carries it, so a retry after a provider error
-- (which the provider replays for the same key) asks afresh.
ALTER TABLE "checkout_sessions" ADD COLUMN "open_attempt" INTEGER NOT NULL DEFAULT 0;
-- When the reconciliation job last asked the provider about this session.
ALTER TABLE "checkout_sessions" ADD COLUMN "reconciled_at" TIMESTAMPTZ(3);

-- A line paid twice (the buyer already held a PAID order for its product) is
-- refunded: when the refund was decided, and the provider's id once it is done.
ALTER TABLE "orders" ADD COLUMN "refund_requested_at" TIMESTAMPTZ(3);
ALTER TABLE "orders" ADD COLUMN "provider_refund_id" TEXT;
CREATE INDEX "orders_refund_due_idx" ON "orders"("refund_requested_at") WHERE "provider_refund_id" IS NULL AND "refund_requested_at" IS NOT NULL;

-- Access suspended while a dispute (chargeback) about its payment is open.
ALTER TABLE "entitlements" ADD COLUMN "suspended_at" TIMESTAMPTZ(3);

-- At most one open checkout per buyer and currency (it was one per quote): a
-- changed cart supersedes the open one instead of adding a second payable
-- page. Older duplicates are ended first so that the index can be built.
WITH ranked AS (
  SELECT id, row_number() OVER (PARTITION BY buyer_id, currency ORDER BY created_at DESC, id) AS rank
    FROM "checkout_sessions" WHERE "status" = 'PENDING'
), older AS (
  SELECT id FROM ranked WHERE rank > 1
), ended_orders AS (
  UPDATE "orders" SET "status" = 'EXPIRED', "updated_at" = now()
   WHERE "status" = 'PENDING' AND "checkout_session_id" IN (SELECT id FROM older)
), ended_payments AS (
  UPDATE "payments" SET "status" = 'EXPIRED', "updated_at" = now()
   WHERE "status" = 'PENDING' AND "checkout_session_id" IN (SELECT id FROM older)
)
UPDATE "checkout_sessions"
   SET "status" = 'EXPIRED', "failure_code" = 'SUPERSEDED',
       "failure_message" = 'A newer checkout of the same buyer replaced this one.', "updated_at" = now()
 WHERE "id" IN (SELECT id FROM older);

DROP INDEX "checkout_sessions_open_quote_key";
CREATE UNIQUE INDEX "checkout_sessions_open_per_currency_key"
    ON "checkout_sessions"("buyer_id", "currency") WHERE "status" = 'PENDING';
