-- Fixed-window counters for rate limits (login failures, later checkout posts),
-- kept in the database so every app server shares them.
CREATE TABLE "rate_limits" (
    "key" TEXT NOT NULL,
    "window_started_at" TIMESTAMPTZ(3) NOT NULL,
    "hits" INTEGER NOT NULL,
    CONSTRAINT "rate_limits_pkey" PRIMARY KEY ("key")
);
