// `npm run bench`: the checkout's cost, measured on this machine against the
// PostgreSQL server and the payment sandbox, over loopback only. It makes its
// own database, starts the built app (and the sandbox) through
// scripts/start.mjs on its own ports, logs buyers in, then measures:
//   1. SQL statements per checkout post, per webhook settlement and per success
//      page load, counted at the pg driver in this process (the route modules
//      are run in-process, against the same database and sandbox);
//   2. checkout latency and throughput through HTTP with autocannon, against
//      the same statements run straight through `pg` (the database's ceiling);
//   3. webhook settlements per second, with the same ceiling;
//   4. JavaScript bytes and time to first byte of `/` and `/cart`.
// Every load run is bounded by a request count and a timeout, and the whole
// run by BENCH_TIME_LIMIT_SECONDS (default 420). It prints a table and writes
// docs/BENCHMARKS.md. Environment: BENCH_PG_URL (server URL without database,
// default postgresql://postgres@127.0.0.1:5432), BENCH_APP_PORT (3390),
// BENCH_SANDBOX_PORT (4390).
import { spawn, type ChildProcess } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import { register } from "node:module";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import autocannon from "autocannon";
import bcrypt from "bcryptjs";
import pg from "pg";
import { runCheckoutCeiling, runSettlementCeiling, type CeilingRun, type CheckoutJob } from "./ceiling";
import { costPer, sampleCpu, type CpuCost } from "./cpu-usage";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..", "..");
const PG_BASE = (process.env.BENCH_PG_URL ?? "postgresql://postgres@127.0.0.1:5432").replace(/\/$/, "");
const DB_NAME = "marketplace_bench";
const DATABASE_URL = `${PG_BASE}/${DB_NAME}`;
const APP_PORT = Number(process.env.BENCH_APP_PORT ?? 3390);
const SANDBOX_PORT = Number(process.env.BENCH_SANDBOX_PORT ?? 4390);
const APP = `http://127.0.0.1:${APP_PORT}`;
const SANDBOX = `http://127.0.0.1:${SANDBOX_PORT}`;
const SESSION_SECRET = "benchmark-only-session-secret-0123456789abcdef";
const WEBHOOK_SECRET = "whsec_sandbox";
const PASSWORD = "bench-password";
const TIME_LIMIT_MS = Number(process.env.BENCH_TIME_LIMIT_SECONDS ?? 420) * 1000;

const SIZES = [1, 10, 50] as const;
const CONCURRENCY = 16;
const SERIAL_REQUESTS = 30; // checkout posts per size at concurrency 1
const PARALLEL_REQUESTS = 960; // checkout posts per size at concurrency 16 (60 per buyer)
// Products each buyer draws carts from: a prime, so the carts a buyer posts of
// one size are all different for 97 turns (each post writes a new session).
const POOL_PER_BUYER = 97;
const FLOOR_REQUESTS = 3000; // GET /healthz at concurrency 16
const LOAD_BUYERS = CONCURRENCY;

// ---------------------------------------------------------------- processes

let app: ChildProcess | undefined;
let loadAtStart = 0;
let adminPool: pg.Pool | undefined;

function stopApp() {
  if (app?.pid && app.exitCode === null) {
    try {
      process.kill(-app.pid, "SIGTERM"); // start.mjs and the server and sandbox it started
    } catch {
      /* already gone */
    }
  }
}
process.on("exit", stopApp);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    stopApp();
    process.exit(130);
  });
}

/** Stops the app and waits (up to 30 s) for it to exit, so CPU profiles get written. */
async function stopAppAndWait() {
  if (!app || app.exitCode !== null) return;
  const exited = new Promise((resolve) => app!.once("exit", resolve));
  stopApp();
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 30_000))]);
  stopApp();
}

function startApp(): ChildProcess {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ["STRIPE_SECRET_KEY", "TOSS_SECRET_KEY", "STRIPE_API_BASE", "TOSS_API_BASE", "NODE_ENV", "APP_ENV"]) delete env[key];
  Object.assign(env, {
    DATABASE_URL,
    PORT: String(APP_PORT),
    SANDBOX_PORT: String(SANDBOX_PORT),
    SANDBOX_HOST: "127.0.0.1",
    SANDBOX_URL: SANDBOX,
    APP_URL: APP,
    SESSION_SECRET,
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    STORAGE_DIR: path.join(os.tmpdir(), "marketplace-bench-storage"),
    RECONCILE_INTERVAL_SECONDS: "0",
    CHECKOUT_POSTS_PER_MINUTE: "100000",
    CHECKOUT_POSTS_PER_MINUTE_PER_IP: "1000000",
  });
  // BENCH_PROFILE_DIR: the app server writes a V8 CPU profile there when it stops (cpu-profile.mjs).
  if (process.env.BENCH_PROFILE_DIR) {
    env.BENCH_PROFILE_DIR = path.resolve(process.env.BENCH_PROFILE_DIR);
    env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ""} --import ${path.join(ROOT, "scripts", "bench", "cpu-profile.mjs")}`.trim();
  }
  const child = spawn(process.execPath, [path.join(ROOT, "scripts", "start.mjs")], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log = fs.createWriteStream(path.join(os.tmpdir(), "marketplace-bench-app.log"));
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  return child;
}

async function waitFor(url: string, timeoutMs: number) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (app && app.exitCode !== null) throw new Error(`the app stopped (exit ${app.exitCode}); see ${os.tmpdir()}/marketplace-bench-app.log`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

// ---------------------------------------------------------------- data

async function recreateDatabase() {
  const admin = new pg.Client({ connectionString: `${PG_BASE}/postgres` });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${DB_NAME}`);
  await admin.end();
}

interface Product {
  id: string;
  price: number;
}

interface Buyer {
  id: string;
  email: string;
  pool: Product[];
  next: Map<number, number>;
  cookie: string;
  csrf: string;
}

/** A cart of `size` products of the buyer's pool that this buyer has not posted yet. */
function nextCart(buyer: Buyer, size: number): Product[] {
  const turn = buyer.next.get(size) ?? 0;
  buyer.next.set(size, turn + 1);
  const start = (turn * size) % buyer.pool.length;
  return Array.from({ length: size }, (_, i) => buyer.pool[(start + i) % buyer.pool.length]);
}

function itemsJson(products: Product[]) {
  return JSON.stringify(products.map((p) => ({ id: p.id, price: p.price, currency: "USD" })));
}

async function createBuyers(pool: pg.Pool, label: string, count: number): Promise<Buyer[]> {
  const hash = await bcrypt.hash(PASSWORD, 10);
  const { rows: [seller] } = await pool.query(
    `INSERT INTO users (email, password_hash, display_name, is_seller) VALUES ($1, $2, 'Bench seller', true) RETURNING id`,
    [`seller-${label}-${randomUUID().slice(0, 8)}@bench.test`, hash],
  );
  const buyers: Buyer[] = [];
  for (let i = 0; i < count; i++) {
    const email = `${label}-${i}-${randomUUID().slice(0, 8)}@bench.test`;
    const { rows: [user] } = await pool.query(
      `INSERT INTO users (email, password_hash, display_name) VALUES ($1, $2, $3) RETURNING id`,
      [email, hash, `Bench ${label} ${i}`],
    );
    const { rows } = await pool.query<Product>(
      `INSERT INTO products (slug, title, summary, description, kind, price, currency, verification_level, seller_id, published)
       SELECT $1 || '-' || n, 'Bench product ' || $1 || ' #' || n, 'Made by the benchmark.', 'Made by the benchmark.',
              'DATASET', 500 + n, 'USD', 'VERIFIED', $2::uuid, true
         FROM generate_series(1, $3::int) AS n
       RETURNING id, price`,
      [`bench-${label}-${i}-${randomUUID().slice(0, 8)}`, seller.id, POOL_PER_BUYER],
    );
    buyers.push({ id: user.id, email, pool: rows, next: new Map(), cookie: "", csrf: "" });
  }
  return buyers;
}

function cookiesOf(response: Response): Map<string, string> {
  const jar = new Map<string, string>();
  for (const header of response.headers.getSetCookie()) {
    const [pair] = header.split(";");
    const at = pair.indexOf("=");
    jar.set(pair.slice(0, at), pair.slice(at + 1));
  }
  return jar;
}

/** Logs in through the login form as a browser would: the csrf cookie and token, then the session cookie. */
async function logIn(buyer: Buyer) {
  const page = await fetch(`${APP}/login`);
  const html = await page.text();
  const token = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
  const jar = cookiesOf(page);
  if (!token || !jar.has("csrf")) throw new Error("the login page carried no CSRF token");
  const posted = await fetch(`${APP}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: `csrf=${jar.get("csrf")}` },
    body: new URLSearchParams({ csrf: token, email: buyer.email, password: PASSWORD, redirectTo: "/" }),
  });
  const session = cookiesOf(posted).get("__session");
  if (posted.status !== 303 || !session) throw new Error(`login answered ${posted.status}`);
  buyer.cookie = `csrf=${jar.get("csrf")}; __session=${session}`;
  buyer.csrf = token;
}

function stripeSignature(body: string): string {
  const t = Math.floor(Date.now() / 1000);
  return `t=${t},v1=${createHmac("sha256", WEBHOOK_SECRET).update(`${t}.${body}`).digest("hex")}`;
}

/** A `checkout.session.completed` event as the sandbox (and Stripe) sends it for a paid checkout. */
function paidEvent(session: { id: string; total: number; reference: string }) {
  const body = JSON.stringify({
    id: `evt_bench_${session.id.replace(/-/g, "")}`,
    object: "event",
    api_version: "2025-01-01",
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    type: "checkout.session.completed",
    data: {
      object: {
        id: session.reference,
        object: "checkout.session",
        mode: "payment",
        status: "complete",
        payment_status: "paid",
        amount_total: session.total,
        currency: "usd",
        payment_intent: `pi_bench_${session.id.replace(/-/g, "")}`,
        client_reference_id: session.id,
        metadata: { checkout_session_id: session.id },
      },
    },
  });
  return { body, signature: stripeSignature(body) };
}

// ---------------------------------------------------------------- statement counts

interface StatementCounts {
  size: number;
  checkout: number;
  settlement: number;
  successPage: number;
}

async function countStatements(buyers: Buyer[]): Promise<StatementCounts[]> {
  // Route modules import stylesheets; the hook turns them into "" here.
  register("./css-stub.mjs", import.meta.url);
  Object.assign(process.env, {
    DATABASE_URL,
    APP_URL: APP,
    STRIPE_API_BASE: SANDBOX,
    TOSS_API_BASE: SANDBOX,
    SESSION_SECRET,
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    RECONCILE_INTERVAL_SECONDS: "0",
    CHECKOUT_POSTS_PER_MINUTE: "100000",
    CHECKOUT_POSTS_PER_MINUTE_PER_IP: "1000000",
    APP_ENV: "development",
  });
  const { installSqlCounter } = await import("./sql-counter");
  const cart = await import("~/routes/cart");
  const webhook = await import("~/routes/webhooks.stripe");
  const success = await import("~/routes/checkout.$sessionId.success");
  const { db, closeDatabase } = await import("~/db.server");
  const counter = installSqlCounter();

  async function answer(run: () => Promise<unknown>): Promise<Response> {
    try {
      return (await run()) as Response;
    } catch (thrown) {
      if (thrown instanceof Response) return thrown;
      throw thrown;
    }
  }

  async function once(buyer: Buyer, size: number) {
    const products = nextCart(buyer, size);
    const request = new Request(`${APP}/cart`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: buyer.cookie },
      body: new URLSearchParams({ csrf: buyer.csrf, intent: "checkout", items: itemsJson(products) }),
    });
    const posted = await counter.measure(() => answer(() => cart.action({ request, params: {}, context: {} })));
    if (posted.result.status !== 303) throw new Error(`checkout answered ${posted.result.status}`);
    const session = await db().checkoutSession.findFirstOrThrow({
      where: { buyerId: buyer.id },
      orderBy: { createdAt: "desc" },
      select: { id: true, total: true, payment: { select: { providerReference: true } } },
    });
    const { body, signature } = paidEvent({ id: session.id, total: session.total, reference: session.payment!.providerReference! });
    const hook = new Request(`${APP}/webhooks/stripe`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Stripe-Signature": signature },
      body,
    });
    const settled = await counter.measure(() => answer(() => webhook.action({ request: hook, params: {}, context: {} })));
    if (settled.result.status !== 200) throw new Error(`webhook answered ${settled.result.status}`);
    const page = new Request(`${APP}/checkout/${session.id}/success`, { headers: { Cookie: buyer.cookie } });
    const shown = await counter.measure(() =>
      answer(() => success.loader({ request: page, params: { sessionId: session.id }, context: {} })),
    );
    if (shown.result.status !== 200) throw new Error(`success page answered ${shown.result.status}`);
    if (process.env.BENCH_SHOW_SQL) {
      for (const [what, list] of [["checkout", posted.statements], ["settlement", settled.statements], ["success page", shown.statements]] as const) {
        console.log(`-- ${what}, ${size} product(s): ${list.length} statements`);
        for (const sql of list) console.log(`   ${sql.slice(0, 160)}`);
      }
    }
    return { size, checkout: posted.statements.length, settlement: settled.statements.length, successPage: shown.statements.length };
  }

  try {
    await once(buyers[0], 2); // warm-up: pool connections, Prisma's query plans
    const counts: StatementCounts[] = [];
    for (const [i, size] of SIZES.entries()) counts.push(await once(buyers[i + 1], size));
    return counts;
  } finally {
    counter.uninstall();
    await closeDatabase();
  }
}

// ---------------------------------------------------------------- load

interface LoadRun {
  requests: number;
  ok: number;
  errors: number;
  durationMs: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
}

function percentile(sorted: number[], p: number): number {
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

function checkoutRun(size: number, connections: number, amount: number, buyers: Buyer[]) {
  let turn = 0;
  return load({
    connections,
    amount,
    expect: 303,
    request: () => {
      const buyer = buyers[turn++ % buyers.length];
      return {
        method: "POST" as const,
        path: "/cart",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie: buyer.cookie },
        body: new URLSearchParams({ csrf: buyer.csrf, intent: "checkout", items: itemsJson(nextCart(buyer, size)) }).toString(),
      };
    },
  });
}

/** Runs `work` and returns its result with the CPU each process spent per request served. */
async function withCpu<T>(work: () => Promise<T>, served: (result: T) => number): Promise<{ result: T; cpu: CpuCost }> {
  const before = sampleCpu(app?.pid);
  const result = await work();
  return { result, cpu: costPer(before, sampleCpu(app?.pid), served(result)) };
}

/** Opens `count` connections before a ceiling run, so the run times statements, not connecting. */
async function warmPool(pool: pg.Pool, count: number) {
  const clients = await Promise.all(Array.from({ length: count }, () => pool.connect()));
  for (const client of clients) client.release();
}

/** The cheapest request the app serves: a resource route running one `SELECT 1` through Prisma. */
function floorRun() {
  return load({ connections: CONCURRENCY, amount: FLOOR_REQUESTS, expect: 200, request: () => ({ method: "GET", path: "/healthz" }) });
}

async function pendingSessions(pool: pg.Pool, buyers: Buyer[], size: number) {
  const { rows } = await pool.query<{ id: string; total: number; reference: string }>(
    `SELECT s.id, s.total, p.provider_reference AS reference
       FROM checkout_sessions s JOIN payments p ON p.checkout_session_id = s.id
      WHERE s.status = 'PENDING' AND s.buyer_id = ANY($1::uuid[]) AND p.provider_reference IS NOT NULL
        AND (SELECT count(*) FROM orders o WHERE o.checkout_session_id = s.id) = $2
      ORDER BY s.created_at`,
    [buyers.map((b) => b.id), size],
  );
  return rows;
}

function settlementRun(sessions: Array<{ id: string; total: number; reference: string }>) {
  let turn = 0;
  // autocannon builds one request per connection ahead of sending: leave those spare.
  const amount = Math.max(0, sessions.length - CONCURRENCY - 1);
  return load({
    connections: CONCURRENCY,
    amount,
    expect: 200,
    request: () => {
      const { body, signature } = paidEvent(sessions[turn++ % sessions.length]);
      return {
        method: "POST" as const,
        path: "/webhooks/stripe",
        headers: { "content-type": "application/json", "stripe-signature": signature },
        body,
      };
    },
  });
}

// ---------------------------------------------------------------- pages

async function timeToFirstByte(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const request = http.get(url, (response) => {
      const ms = performance.now() - started;
      response.resume();
      response.on("end", () => resolve(ms));
    });
    request.on("error", reject);
  });
}

async function pageFigures(pathname: string) {
  const html = await (await fetch(`${APP}${pathname}`)).text();
  const sources = new Set<string>();
  for (const match of html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)) sources.add(match[1]);
  for (const match of html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)) sources.add(match[1]);
  let raw = 0;
  let gzip = 0;
  for (const source of sources) {
    const body = Buffer.from(await (await fetch(new URL(source, APP))).arrayBuffer());
    raw += body.length;
    gzip += gzipSync(body).length;
  }
  const inline = [...html.matchAll(/<script(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join("\n");
  raw += Buffer.byteLength(inline);
  gzip += gzipSync(inline).length;
  const samples: number[] = [];
  for (let i = 0; i < 40; i++) samples.push(await timeToFirstByte(`${APP}${pathname}`));
  const sorted = samples.slice(5).sort((a, b) => a - b); // the first few warm the route up
  return { pathname, files: sources.size, raw, gzip, ttfbP50: percentile(sorted, 50), ttfbP95: percentile(sorted, 95) };
}

// ---------------------------------------------------------------- report

function fmt(n: number, digits = 1) {
  return Number.isFinite(n) ? n.toFixed(digits) : "–";
}

function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    memory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
  };
}

async function main() {
  const killer = setTimeout(() => {
    console.error(`bench: stopped after the ${TIME_LIMIT_MS / 1000} s limit`);
    stopApp();
    process.exit(2);
  }, TIME_LIMIT_MS);
  killer.unref();
  const startedAt = Date.now();
  loadAtStart = os.loadavg()[0];
  const step = (what: string) => console.log(`[${((Date.now() - startedAt) / 1000).toFixed(0).padStart(3)} s] ${what}`);

  step(`database ${DB_NAME} on ${PG_BASE}`);
  await recreateDatabase();
  step(`starting the app on ${APP} and the sandbox on ${SANDBOX} (scripts/start.mjs; builds when stale)`);
  app = startApp();
  await waitFor(`${APP}/healthz`, 240_000);
  await waitFor(`${SANDBOX}/_sandbox/health`, 30_000);

  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: CONCURRENCY + 4 });
  adminPool = pool;
  const { rows: [{ server_version: postgres }] } = await pool.query("SHOW server_version");

  step("pages: JavaScript and time to first byte (the seeded catalog)");
  const pages = [await pageFigures("/"), await pageFigures("/cart")];

  step(`floor: GET /healthz, ${FLOOR_REQUESTS} at concurrency ${CONCURRENCY}`);
  await floorRun();
  const floor = await withCpu(floorRun, (run) => run.ok);

  step("creating buyers and products, logging buyers in");
  const countBuyers = await createBuyers(pool, "count", 4);
  const serialBuyers = await createBuyers(pool, "serial", 1);
  const loadBuyers = await createBuyers(pool, "load", LOAD_BUYERS);
  const warmBuyers = await createBuyers(pool, "warm", 4);
  const ceilingBuyers = await createBuyers(pool, "ceiling", LOAD_BUYERS);
  for (const buyer of [...countBuyers, ...serialBuyers, ...loadBuyers, ...warmBuyers]) await logIn(buyer);

  step("counting SQL statements (in-process, at the pg driver)");
  const counts = await countStatements(countBuyers);

  step("warming up the checkout");
  await checkoutRun(10, 4, 40, warmBuyers);

  await warmPool(pool, CONCURRENCY);
  const checkout: CheckoutFigures[] = [];
  for (const size of SIZES) {
    step(`checkout posts, ${size} product(s): ${SERIAL_REQUESTS} at concurrency 1, ${PARALLEL_REQUESTS} at ${CONCURRENCY}, ceiling`);
    const serial = await checkoutRun(size, 1, SERIAL_REQUESTS, serialBuyers);
    const parallel = await withCpu(() => checkoutRun(size, CONCURRENCY, PARALLEL_REQUESTS, loadBuyers), (run) => run.ok);
    const jobs: CheckoutJob[] = Array.from({ length: PARALLEL_REQUESTS }, (_, i) => {
      const buyer = ceilingBuyers[i % ceilingBuyers.length];
      return { buyerId: buyer.id, products: nextCart(buyer, size) };
    });
    const ceiling = await withCpu(() => runCheckoutCeiling(pool, jobs, CONCURRENCY), (run) => run.done);
    checkout.push({ size, serial, parallel: parallel.result, ceiling: ceiling.result, cpu: parallel.cpu, ceilingCpu: ceiling.cpu });
  }

  const settlement: SettlementFigures[] = [];
  for (const size of SIZES) {
    step(`webhook settlements, ${size} order(s) per checkout, concurrency ${CONCURRENCY}, and ceiling`);
    const sessions = await pendingSessions(pool, [...serialBuyers, ...loadBuyers], size);
    const run = await withCpu(() => settlementRun(sessions), (r) => r.ok);
    const ceilingSessions = await pendingSessions(pool, ceilingBuyers, size).then((rows) =>
      rows.map((row) => ({ sessionId: row.id, total: row.total })),
    );
    const ceiling = await withCpu(
      () => runSettlementCeiling(pool, ceilingSessions.slice(0, run.result.requests || ceilingSessions.length), CONCURRENCY),
      (r) => r.done,
    );
    settlement.push({ size, run: run.result, ceiling: ceiling.result, cpu: run.cpu, ceilingCpu: ceiling.cpu });
  }

  await pool.end();
  await stopAppAndWait();
  const elapsed = (Date.now() - startedAt) / 1000;
  report({ postgres, counts, checkout, settlement, pages, floor: { run: floor.result, cpu: floor.cpu }, elapsed });
}

interface CheckoutFigures {
  size: number;
  serial: LoadRun;
  parallel: LoadRun;
  ceiling: CeilingRun;
  cpu: CpuCost;
  ceilingCpu: CpuCost;
}

interface SettlementFigures {
  size: number;
  run: LoadRun;
  ceiling: CeilingRun;
  cpu: CpuCost;
  ceilingCpu: CpuCost;
}

function report(r: {
  postgres: string;
  counts: StatementCounts[];
  checkout: CheckoutFigures[];
  settlement: SettlementFigures[];
  pages: Awaited<ReturnType<typeof pageFigures>>[];
  floor: { run: LoadRun; cpu: CpuCost };
  elapsed: number;
}) {
  const m = machine();
  const p50At = (size: number) => r.checkout.find((c) => c.size === size)!.serial.p50;
  const lines: string[] = [];
  const table = (head: string[], rows: Array<Array<string | number>>) => {
    lines.push(`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`);
    for (const row of rows) lines.push(`| ${row.join(" | ")} |`);
    lines.push("");
  };

  lines.push("### SQL statements (counted at the pg driver, BEGIN and COMMIT included)", "");
  table(
    ["products", "checkout post", "webhook settlement", "success page (paid)"],
    r.counts.map((c) => [c.size, c.checkout, c.settlement, c.successPage]),
  );
  lines.push("Targets: the same count for every size; checkout ≤ 10, settlement ≤ 12, success page 1 or 2.", "");

  lines.push(`### Checkout post up to its 303 (ms), and checkouts per second at concurrency ${CONCURRENCY}`, "");
  table(
    ["products", "c1 p50", "c1 p95", "c1 p99", `c${CONCURRENCY} p50`, `c${CONCURRENCY} p95`, `c${CONCURRENCY} p99`, "errors", "HTTP /s", "pg ceiling /s", "ratio"],
    r.checkout.map(({ size, serial, parallel, ceiling }) => [
      size,
      fmt(serial.p50),
      fmt(serial.p95),
      fmt(serial.p99),
      fmt(parallel.p50),
      fmt(parallel.p95),
      fmt(parallel.p99),
      serial.errors + parallel.errors + ceiling.failed,
      fmt(parallel.perSecond),
      fmt(ceiling.perSecond),
      fmt(parallel.perSecond / ceiling.perSecond, 2),
    ]),
  );
  lines.push(
    `p50 at 50 products / p50 at 1 product (concurrency 1): ${fmt(p50At(50) / p50At(1), 2)} (target ≤ 1.5). Ratio target ≥ 0.5.`,
    "",
  );

  lines.push(`### Webhook settlements per second at concurrency ${CONCURRENCY}`, "");
  table(
    ["orders per checkout", "events", "errors", "p50 ms", "p99 ms", "HTTP /s", "pg ceiling /s", "ratio"],
    r.settlement.map(({ size, run, ceiling }) => [
      size,
      run.requests,
      run.errors + ceiling.failed,
      fmt(run.p50),
      fmt(run.p99),
      fmt(run.perSecond),
      fmt(ceiling.perSecond),
      fmt(run.perSecond / ceiling.perSecond, 2),
    ]),
  );

  lines.push(`### CPU per request at concurrency ${CONCURRENCY} (ms, read from /proc)`, "");
  const cores = m.cores;
  // At half the ceiling's rate the cores allow cores × 1000 / (rate / 2) ms of CPU per request in all;
  // what the sandbox, PostgreSQL and the load generator use of it is left out of the app server's share.
  const cpuRow = (what: string, size: number, cpu: CpuCost, ceiling: CpuCost, ceilingPerSecond: number) => {
    const others = cpu.sandbox + cpu.postgres + cpu.bench;
    const budget = (cores * 1000) / (ceilingPerSecond / 2) - others;
    return [
      what,
      size,
      fmt(cpu.app, 2),
      fmt(cpu.sandbox, 2),
      fmt(cpu.postgres, 2),
      fmt(cpu.bench, 2),
      fmt(cpu.app + others, 2),
      fmt(ceiling.postgres + ceiling.bench, 2),
      fmt(budget, 2),
    ];
  };
  table(
    ["work", "size", "app server", "sandbox", "PostgreSQL", "load generator", "all, HTTP run", "all, ceiling run", "app server's share at ratio 0.5"],
    [
      ...r.checkout.map((c) => cpuRow("checkout post", c.size, c.cpu, c.ceilingCpu, c.ceiling.perSecond)),
      ...r.settlement.map((s) => cpuRow("settlement", s.size, s.cpu, s.ceilingCpu, s.ceiling.perSecond)),
    ],
  );
  lines.push(
    `The app server is one Node.js process: it serves at most 1000 / (its ms per request) requests per second. At half the`,
    `ceiling's rate the ${cores} cores give every request ${cores} × 1000 / (ceiling /s ÷ 2) ms of CPU in all; the last column is`,
    "what is left of that for the app server once the sandbox, PostgreSQL and the load generator have taken theirs.",
    `Floor: GET /healthz (a resource route, one \`SELECT 1\` through Prisma) at concurrency ${CONCURRENCY}: ${fmt(r.floor.run.perSecond)} /s,`,
    `app server ${fmt(r.floor.cpu.app, 2)} ms per request.`,
    "",
  );

  lines.push("### Pages (anonymous visitor)", "");
  table(
    ["page", "JS files", "JS bytes", "JS bytes gzip", "TTFB p50 ms", "TTFB p95 ms"],
    r.pages.map((p) => [p.pathname, p.files, p.raw, p.gzip, fmt(p.ttfbP50), fmt(p.ttfbP95)]),
  );

  const figures = lines.join("\n");
  console.log(`\n${figures}`);
  console.log(`bench finished in ${r.elapsed.toFixed(0)} s; wrote docs/BENCHMARKS.md`);

  const target = path.join(ROOT, "docs", "BENCHMARKS.md");
  const NOTES = "<!-- notes below are kept when the benchmark rewrites this file -->";
  const previous = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : "";
  const notes = previous.includes(NOTES) ? previous.slice(previous.indexOf(NOTES) + NOTES.length).trim() : "";
  const doc = [
    "# Benchmarks",
    "",
    "Written by `npm run bench` (scripts/bench/run.ts); the figures below are from its last run.",
    "",
    "## Machine",
    "",
    `- CPU: ${m.cpu}, ${m.cores} cores; memory ${m.memory}; ${m.os}`,
    `- Node ${m.node}; PostgreSQL ${r.postgres} (127.0.0.1:5432); run took ${r.elapsed.toFixed(0)} s`,
    `- Load average (1 min) at the start of the run: ${loadAtStart.toFixed(1)}, at the end: ${os.loadavg()[0].toFixed(1)}. Anything else`,
    "  running on the machine shares its cores with the app, the sandbox and PostgreSQL: compare timings only",
    "  between runs made on a quiet machine. The statement counts do not depend on it.",
    "",
    "## How it was run",
    "",
    "```sh",
    "npm run bench        # = tsx scripts/bench/run.ts",
    "```",
    "",
    `It drops and creates the database \`${DB_NAME}\`, starts \`node scripts/start.mjs\` (build when stale,`,
    `migrations, seed, the payment sandbox on ${SANDBOX}, the app on ${APP}), logs buyers in through`,
    "`/login` (session cookie, `csrf` cookie and the form's token) and posts `/cart` with `intent=checkout`.",
    "Every checkout post carries a quote never posted before (each buyer draws carts from its own 97",
    "products), so each one writes a new session. Load comes from autocannon over loopback; every run is",
    "bounded by a request count. Statement counts come from the route modules run in the bench process",
    "against the same database and sandbox, counting each `pg` client query. The ceiling runs the same",
    "statements (see scripts/bench/ceiling.ts) straight through `pg` at the same concurrency, over connections",
    "opened beforehand: no HTTP,",
    "Remix, Prisma or provider call. Settlement posts signed `checkout.session.completed` events to",
    "`/webhooks/stripe`, one per pending checkout, as the sandbox does after a payment. The app, the sandbox,",
    "PostgreSQL and autocannon share the machine's cores.",
    "",
    "## Figures",
    "",
    figures,
    NOTES,
    "",
    notes,
    "",
  ].join("\n");
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, doc);
}

main().catch(async (error) => {
  console.error(error);
  stopApp();
  await adminPool?.end().catch(() => {});
  process.exit(1);
});
