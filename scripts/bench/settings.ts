// What the benchmark runs against and how much: one place for its knobs.
import path from "node:path";
import { SANDBOX_KEYS } from "../../tests/support/sandbox";

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..", "..");
export const PG_BASE = (process.env.BENCH_PG_URL ?? "postgresql://postgres@127.0.0.1:5432").replace(/\/$/, "");
export const DB_NAME = "marketplace_bench";
export const DATABASE_URL = `${PG_BASE}/${DB_NAME}`;
export const APP_PORT = Number(process.env.BENCH_APP_PORT ?? 3390);
export const SANDBOX_PORT = Number(process.env.BENCH_SANDBOX_PORT ?? 4390);
export const APP = `http://127.0.0.1:${APP_PORT}`;
export const SANDBOX = `http://127.0.0.1:${SANDBOX_PORT}`;
export const SESSION_SECRET = "benchmark-only-session-secret-0123456789abcdef";
/** The sandbox started by scripts/start.mjs signs with its default secret; the app is told the same. */
export const WEBHOOK_SECRET = SANDBOX_KEYS.stripeWebhookSecret;
export const TIME_LIMIT_MS = Number(process.env.BENCH_TIME_LIMIT_SECONDS ?? 420) * 1000;

export const SIZES = [1, 10, 50] as const;
export const CONCURRENCY = 16;
/** Checkout posts per size at concurrency 1, and posts of a changed cart by one shopper. */
export const SERIAL_REQUESTS = 30;
/** Checkout posts per size at concurrency 16. */
export const PARALLEL_REQUESTS = 960;
/** Product pools ("lanes") shoppers draw carts from: one per connection, so concurrent settlements touch different products. */
export const LANES = CONCURRENCY;
/** Products per lane: a prime, so a lane's carts of one size are all different for 97 turns. */
export const POOL_PER_LANE = 97;
/** GET /healthz at concurrency 16. */
export const FLOOR_REQUESTS = 3000;

/** The environment of the app server, and of the app's modules run in the bench process. */
export const APP_ENV: Record<string, string> = {
  DATABASE_URL,
  APP_URL: APP,
  SESSION_SECRET,
  STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
  RECONCILE_INTERVAL_SECONDS: "0",
  CHECKOUT_POSTS_PER_MINUTE: "100000",
  CHECKOUT_POSTS_PER_MINUTE_PER_IP: "1000000",
};
