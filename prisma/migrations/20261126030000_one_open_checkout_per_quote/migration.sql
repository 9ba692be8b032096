-- At most one open (PENDING) checkout per buyer and quote, enforced by the
-- database: an identical post finds the open one through ON CONFLICT instead of
-- queueing on an advisory lock. Prisma's schema cannot express a partial
-- index; schema.prisma says so where the model is declared.

-- Checkouts past their expiry that the job has not reached yet are expired
-- first, so that older duplicates cannot stop the index from being built.
UPDATE "orders" SET "status" = 'EXPIRED', "updated_at" = now()
 WHERE "status" = 'PENDING'
   AND "checkout_session_id" IN (SELECT "id" FROM "checkout_sessions" WHERE "status" = 'PENDING' AND "expires_at" <= now());
UPDATE "payments" SET "status" = 'EXPIRED', "updated_at" = now()
 WHERE "status" = 'PENDING'
   AND "checkout_session_id" IN (SELECT "id" FROM "checkout_sessions" WHERE "status" = 'PENDING' AND "expires_at" <= now());
UPDATE "checkout_sessions" SET "status" = 'EXPIRED', "updated_at" = now()
 WHERE "status" = 'PENDING' AND "expires_at" <= now();

CREATE UNIQUE INDEX "checkout_sessions_open_quote_key"
    ON "checkout_sessions"("buyer_id", "quote_hash") WHERE "status" = 'PENDING';
