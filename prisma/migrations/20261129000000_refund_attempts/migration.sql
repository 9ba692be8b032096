-- Which attempt at refunding a line paid twice this is: part of the refund's
-- Idempotency-Key. Stripe and TossPayments replay the first answer to a key,
-- errors included, so a refund after an error needs a new key; before using
-- one, the shop asks the provider whether an earlier attempt went through.
ALTER TABLE "orders" ADD COLUMN "refund_attempt" INTEGER NOT NULL DEFAULT 0;
