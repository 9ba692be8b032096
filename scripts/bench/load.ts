// Load through HTTP with autocannon, over loopback: checkout posts, webhook
// settlements and the floor (GET /healthz), each bounded by a request count,
// with the CPU each process spends per request served.
import autocannon from "autocannon";
import type pg from "pg";
import { appPid } from "./app-process";
import { costPer, sampleCpu, type CpuCost } from "./cpu-usage";
import { itemsJson, nextCart, paidEvent, type Shopper } from "./shoppers";
import { APP, CONCURRENCY, FLOOR_REQUESTS } from "./settings";

export interface LoadRun {
  requests: number;
  ok: number;
  errors: number;
  durationMs: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function load(options: {
  connections: number;
  amount: number;
  expect: number;
  request: () => { method: "GET" | "POST"; path: string; headers?: Record<string, string>; body?: string };
}): Promise<LoadRun> {
  return new Promise((resolve, reject) => {
    const latencies: number[] = [];
    let ok = 0;
    let errors = 0;
    const started = performance.now();
    let lastResponseAt = started;
    const instance = autocannon(
      {
        url: APP,
        connections: options.connections,
        amount: options.amount,
        timeout: 30,
        requests: [{ setupRequest: (request: object) => ({ ...request, ...options.request() }) }],
      },
      (error, result) => {
        if (error) return reject(error);
        const sorted = latencies.sort((a, b) => a - b);
        // autocannon ends a run on its next one-second tick: time it up to the last response instead.
        const durationMs = lastResponseAt - started;
        resolve({
          requests: latencies.length,
          ok,
          errors: errors + result.errors + result.timeouts,
          durationMs,
          perSecond: (ok * 1000) / durationMs,
          p50: percentile(sorted, 50),
          p95: percentile(sorted, 95),
          p99: percentile(sorted, 99),
        });
      },
    );
    instance.on("response", (_client: unknown, status: number, _bytes: number, ms: number) => {
      latencies.push(ms);
      lastResponseAt = performance.now();
      if (status === options.expect) ok++;
      else errors++;
    });
  });
}

/**
 * `amount` checkout posts of `size` products. Each shopper posts once (their
 * first checkout), unless `repeat` is set: then one shopper posts a new cart
 * every time, and each post first ends the shopper's open checkout.
 */
export function checkoutRun(size: number, connections: number, amount: number, shoppers: Shopper[], { repeat = false } = {}) {
  // autocannon builds one request per connection ahead of sending.
  if (!repeat && shoppers.length < amount + connections) throw new Error(`${amount} posts need ${amount + connections} shoppers`);
  let turn = 0;
  return load({
    connections,
    amount,
    expect: 303,
    request: () => {
      const shopper = repeat ? shoppers[0] : shoppers[turn++];
      return {
        method: "POST" as const,
        path: "/cart",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie: shopper.cookie },
        body: new URLSearchParams({ csrf: shopper.csrf, intent: "checkout", items: itemsJson(nextCart(shopper.lane, size)) }).toString(),
      };
    },
  });
}

export function settlementRun(sessions: Array<{ id: string; total: number; reference: string }>, apiVersion: string) {
  let turn = 0;
  // autocannon builds one request per connection ahead of sending: leave those spare.
  const amount = Math.max(0, sessions.length - CONCURRENCY - 1);
  return load({
    connections: CONCURRENCY,
    amount,
    expect: 200,
    request: () => {
      const { body, signature } = paidEvent(sessions[turn++ % sessions.length], apiVersion);
      return { method: "POST" as const, path: "/webhooks/stripe", headers: { "content-type": "application/json", "stripe-signature": signature }, body };
    },
  });
}

/** The cheapest request the app serves: a resource route running one `SELECT 1` through Prisma. */
export function floorRun() {
  return load({ connections: CONCURRENCY, amount: FLOOR_REQUESTS, expect: 200, request: () => ({ method: "GET", path: "/healthz" }) });
}

/** Runs `work` and returns its result with the CPU each process spent per request served. */
export async function withCpu<T>(work: () => Promise<T>, served: (result: T) => number): Promise<{ result: T; cpu: CpuCost }> {
  const before = sampleCpu(appPid());
  const result = await work();
  return { result, cpu: costPer(before, sampleCpu(appPid()), served(result)) };
}

/** Opens `count` connections before a ceiling run, so the run times statements, not connecting. */
export async function warmPool(pool: pg.Pool, count: number) {
  const clients = await Promise.all(Array.from({ length: count }, () => pool.connect()));
  for (const client of clients) client.release();
}

/** The PENDING checkouts of `size` products these shoppers opened at the provider. */
export async function pendingSessions(pool: pg.Pool, shoppers: Shopper[], size: number) {
  const { rows } = await pool.query<{ id: string; total: number; reference: string }>(
    `SELECT s.id, s.total, p.provider_reference AS reference
       FROM checkout_sessions s JOIN payments p ON p.checkout_session_id = s.id
      WHERE s.status = 'PENDING' AND s.buyer_id = ANY($1::uuid[]) AND p.provider_reference IS NOT NULL
        AND (SELECT count(*) FROM orders o WHERE o.checkout_session_id = s.id) = $2
      ORDER BY s.created_at`,
    [shoppers.map((b) => b.id), size],
  );
  return rows;
}
