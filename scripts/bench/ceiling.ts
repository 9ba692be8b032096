// The database's ceiling for the shop's work: the statements a checkout post
// and a webhook settlement send (as app/models writes them), run straight
// through `pg` at the same concurrency, with no HTTP, Remix, Prisma or
// provider call in between. Each job runs once; the run ends with the queue.
import { createHash, randomUUID } from "node:crypto";
import type pg from "pg";

export interface CheckoutJob {
  buyerId: string;
  products: Array<{ id: string; price: number }>;
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

/** One checkout post's statements: buyer, rate limit, quote, the open-or-create INSERT, the provider URL. */
export function runCheckoutCeiling(pool: pg.Pool, jobs: CheckoutJob[], concurrency: number): Promise<CeilingRun> {
  return drain(jobs, concurrency, async ({ buyerId, products }) => {
    await pool.query("SELECT id, email, display_name, is_seller FROM users WHERE id = $1", [buyerId]);
    await pool.query(
      `INSERT INTO rate_limits (key, window_started_at, hits) VALUES ($1, now(), 1)
       ON CONFLICT (key) DO UPDATE SET hits = rate_limits.hits + 1
       RETURNING key, hits, window_started_at`,
      [`ceiling:${buyerId}`],
    );
    const ids = products.map((p) => p.id);
    await pool.query(
      `SELECT p.id, p.title, p.price, p.currency::text AS currency, p.published, p.seller_id,
              EXISTS (SELECT 1 FROM entitlements e WHERE e.user_id = $1::uuid AND e.product_id = p.id AND e.revoked_at IS NULL) AS owned
         FROM products p WHERE p.id = ANY($2::uuid[])`,
      [buyerId, ids],
    );
    const quoteHash = createHash("sha256").update(`${buyerId}|${ids.join("|")}|${randomUUID()}`).digest("hex");
    const sessionId = randomUUID();
    const total = products.reduce((sum, p) => sum + p.price, 0);
    await pool.query(
      `WITH session AS (
         INSERT INTO checkout_sessions (id, buyer_id, currency, total, provider, quote_hash, expires_at)
         VALUES ($1::uuid, $2::uuid, 'USD', $3, 'STRIPE', $4, now() + interval '60 minutes')
         ON CONFLICT (buyer_id, quote_hash) WHERE status = 'PENDING' DO NOTHING
         RETURNING id
       ), lines AS (
         INSERT INTO orders (id, checkout_session_id, product_id, buyer_id, amount, currency)
         SELECT line.id, session.id, line.product_id, $2::uuid, line.amount, 'USD'
           FROM session, unnest($5::uuid[], $6::uuid[], $7::int[]) AS line(id, product_id, amount)
       ), payment AS (
         INSERT INTO payments (checkout_session_id, provider, provider_reference, amount, currency)
         SELECT session.id, 'STRIPE', NULL, $3, 'USD' FROM session
       )
       SELECT id FROM session`,
      [sessionId, buyerId, total, quoteHash, products.map(() => randomUUID()), ids, products.map((p) => p.price)],
    );
    await pool.query(
      `WITH session AS (
         UPDATE checkout_sessions SET checkout_url = $2, updated_at = now() WHERE id = $1::uuid RETURNING id
       )
       UPDATE payments SET provider_reference = $3, updated_at = now()
        WHERE checkout_session_id IN (SELECT id FROM session)`,
      [sessionId, `http://127.0.0.1/c/pay/cs_ceiling_${sessionId}`, `cs_ceiling_${sessionId}`],
    );
  });
}

/** One webhook's statements: the inbox row, the locked settlement, the inbox row marked processed. */
export function runSettlementCeiling(pool: pg.Pool, jobs: SettlementJob[], concurrency: number): Promise<CeilingRun> {
  return drain(jobs, concurrency, async ({ sessionId, total }) => {
    const payload = JSON.stringify({ id: `evt_ceiling_${sessionId}`, type: "checkout.session.completed", amount_total: total });
    const { rows } = await pool.query(
      `INSERT INTO webhook_events (provider, event_id, event_type, payload)
       VALUES ('STRIPE', $1, 'checkout.session.completed', $2::jsonb)
       ON CONFLICT (provider, event_id) DO NOTHING RETURNING id`,
      [`evt_ceiling_${sessionId}`, payload],
    );
    await inTransaction(pool, async (client) => {
      await client.query(
        `SELECT id, buyer_id, status::text AS status, total, currency::text AS currency
           FROM checkout_sessions WHERE id = $1::uuid FOR UPDATE`,
        [sessionId],
      );
      await client.query(
        `WITH paid_orders AS (
           UPDATE orders SET status = 'PAID', paid_at = now(), updated_at = now()
            WHERE checkout_session_id = $1::uuid
           RETURNING id, buyer_id, product_id
         ), counted AS (
           SELECT id FROM products WHERE id IN (SELECT product_id FROM paid_orders) ORDER BY id FOR UPDATE
         ), paid_session AS (
           UPDATE checkout_sessions
              SET status = 'PAID', paid_at = now(), updated_at = now(), failure_code = NULL, failure_message = NULL,
                  receipt_number = COALESCE(receipt_number,
                    'R-' || to_char(now() AT TIME ZONE 'UTC', 'YYYY') || '-' || lpad(nextval('receipt_number_seq')::text, 6, '0'))
            WHERE id = $1::uuid
         ), paid_payment AS (
           UPDATE payments
              SET status = 'SUCCEEDED', provider_payment_id = $2, provider_reference = $3,
                  failure_code = NULL, failure_message = NULL, updated_at = now()
            WHERE checkout_session_id = $1::uuid
         ), granted AS (
           INSERT INTO entitlements (user_id, product_id, order_id)
           SELECT buyer_id, product_id, id FROM paid_orders ORDER BY product_id
           ON CONFLICT (user_id, product_id) DO UPDATE
              SET order_id = EXCLUDED.order_id, revoked_at = NULL, granted_at = now()
            WHERE entitlements.revoked_at IS NOT NULL
         )
         UPDATE products SET download_count = download_count + 1, updated_at = now()
           FROM counted WHERE products.id = counted.id`,
        [sessionId, `pi_ceiling_${sessionId}`, `cs_ceiling_${sessionId}`],
      );
    });
    await pool.query("UPDATE webhook_events SET processed_at = now(), error = NULL WHERE id = $1::uuid", [rows[0].id]);
  });
}
