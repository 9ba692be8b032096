// The database's ceiling for the shop's work: the statements a checkout post
// and a webhook settlement send, taken from the model modules that send them
// (so the two cannot drift), run straight through `pg` at the same
// concurrency, with no HTTP, Remix, Prisma or provider call in between. Each
// job runs once; the run ends with the queue.
import { createHash, randomUUID } from "node:crypto";
import type pg from "pg";
import type { Prisma } from "~/generated/prisma/client";
import { openCheckoutStatement, recordProviderCheckoutStatement } from "~/models/checkout.server";
import { productsForBuyerStatement } from "~/models/product.server";
import { recordHitsStatement } from "~/models/rate-limit.server";
import { lockCheckoutStatement, markPaidStatement } from "~/models/settlement.server";
import { markWebhookProcessedStatement, recordWebhookEventStatement } from "~/models/webhook-event.server";

export interface CheckoutJob {
  buyerId: string;
  products: Array<{ id: string; price: number; title: string }>;
}

export interface SettlementJob {
  sessionId: string;
  total: number;
}

export interface CeilingRun {
  done: number;
  failed: number;
  durationMs: number;
  perSecond: number;
}

type Runner = Pick<pg.Pool, "query"> | pg.PoolClient;

async function run(on: Runner, statement: Prisma.Sql) {
  return on.query(statement.text, statement.values as unknown[]);
}

async function drain<T>(jobs: T[], concurrency: number, work: (job: T) => Promise<void>): Promise<CeilingRun> {
  let next = 0;
  let done = 0;
  let failed = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < jobs.length) {
        const job = jobs[next++];
        try {
          await work(job);
          done++;
        } catch (error) {
          failed++;
          if (failed <= 3) console.error("ceiling job failed:", error instanceof Error ? error.message : error);
        }
      }
    }),
  );
  const durationMs = performance.now() - started;
  return { done, failed, durationMs, perSecond: (done * 1000) / durationMs };
}

async function inTransaction(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<void>) {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await work(client);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/**
 * One checkout post's statements: the buyer (Prisma generates that read, so
 * it is written out here), the rate limit, the quote, the INSERT that opens
 * the checkout, and the provider page recorded.
 */
export function runCheckoutCeiling(pool: pg.Pool, jobs: CheckoutJob[], concurrency: number): Promise<CeilingRun> {
  return drain(jobs, concurrency, async ({ buyerId, products }) => {
    await pool.query('SELECT "id", "email", "display_name", "is_seller" FROM "users" WHERE "id" = $1 LIMIT 1', [buyerId]);
    await run(pool, recordHitsStatement([`checkout:user:${buyerId}`], 60_000));
    const ids = products.map((p) => p.id);
    await run(pool, productsForBuyerStatement(buyerId, ids));
    const sessionId = randomUUID();
    const total = products.reduce((sum, p) => sum + p.price, 0);
    const checkout = {
      buyerId,
      currency: "USD" as const,
      total,
      provider: "STRIPE" as const,
      quoteHash: createHash("sha256").update(`${buyerId}|${ids.join("|")}`).digest("hex"),
      expiresAt: new Date(Date.now() + 60 * 60_000),
      lines: products.map((p) => ({ productId: p.id, title: p.title, amount: p.price })),
      reference: () => null,
    };
    await run(pool, openCheckoutStatement(checkout, { sessionId, orderIds: products.map(() => randomUUID()) }));
    const reference = `cs_ceiling_${sessionId}`;
    await run(pool, recordProviderCheckoutStatement(sessionId, { reference, paymentId: null, redirectUrl: `http://127.0.0.1/c/pay/${reference}` }));
  });
}

/** One webhook's statements: the inbox row, the locked settlement, the inbox row marked processed. */
export function runSettlementCeiling(pool: pg.Pool, jobs: SettlementJob[], concurrency: number): Promise<CeilingRun> {
  return drain(jobs, concurrency, async ({ sessionId, total }) => {
    const event = { id: `evt_ceiling_${sessionId}`, type: "checkout.session.completed", amount_total: total };
    const { rows } = await run(pool, recordWebhookEventStatement({ provider: "STRIPE", eventId: event.id, eventType: event.type, payload: event }));
    await inTransaction(pool, async (client) => {
      await run(client, lockCheckoutStatement(sessionId));
      await run(client, markPaidStatement(sessionId, { paymentId: `pi_ceiling_${sessionId}`, reference: `cs_ceiling_${sessionId}` }));
    });
    await run(pool, markWebhookProcessedStatement(rows[0].id));
  });
}
