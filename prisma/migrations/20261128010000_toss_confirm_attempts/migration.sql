-- Which attempt at confirming the payment (TossPayments) this is: part of the
-- confirm's Idempotency-Key, since Toss replays the first answer to a key,
-- errors included, so a confirm after a transient error needs a new key.
ALTER TABLE "payments" ADD COLUMN "confirm_attempt" INTEGER NOT NULL DEFAULT 0;
