// `npm run bench`: the checkout's cost, measured on this machine against the
// PostgreSQL server and the payment sandbox, over loopback only. It makes its
// own database, starts the built app (and the sandbox) through
// scripts/start.mjs on its own ports, creates shoppers, then measures:
//   1. SQL statements per checkout post (a first one, and one for a changed
//      cart), per webhook settlement and per success page load, counted at the
//      pg driver in this process (statements.ts);
//   2. checkout latency and throughput through HTTP with autocannon, against
//      the same statements run straight through `pg` (ceiling.ts);
//   3. webhook settlements per second, with the same ceiling;
//   4. JavaScript bytes and time to first byte of `/` and `/cart` (pages.ts).
// Every load run is bounded by a request count and a timeout, and the whole
// run by BENCH_TIME_LIMIT_SECONDS (default 420). It prints a table and writes
// docs/BENCHMARKS.md (report.ts). Environment: BENCH_PG_URL (server URL
// without database, default postgresql://postgres@127.0.0.1:5432),
// BENCH_APP_PORT (3390), BENCH_SANDBOX_PORT (4390).
import os from "node:os";
import pg from "pg";
import { recreateDatabase, startApp, stopApp, stopAppAndWait, waitForUrl } from "./app-process";
import { runCheckoutCeiling, runSettlementCeiling, type CheckoutJob } from "./ceiling";
import { app } from "./in-process";
import { checkoutRun, floorRun, pendingSessions, settlementRun, warmPool, withCpu } from "./load";
import { pageFigures } from "./pages";
import { report, type CheckoutFigures, type SettlementFigures } from "./report";
import { CONCURRENCY, DATABASE_URL, DB_NAME, APP, PARALLEL_REQUESTS, PG_BASE, SANDBOX, SERIAL_REQUESTS, SIZES, TIME_LIMIT_MS } from "./settings";
import { createLanes, createShoppers, nextCart } from "./shoppers";
import { countStatements } from "./statements";

let adminPool: pg.Pool | undefined;

async function main() {
  const killer = setTimeout(() => {
    console.error(`bench: stopped after the ${TIME_LIMIT_MS / 1000} s limit`);
    stopApp();
    process.exit(2);
  }, TIME_LIMIT_MS);
  killer.unref();
  const startedAt = Date.now();
  const loadAtStart = os.loadavg()[0];
  const step = (what: string) => console.log(`[${((Date.now() - startedAt) / 1000).toFixed(0).padStart(3)} s] ${what}`);

  step(`database ${DB_NAME} on ${PG_BASE}`);
  await recreateDatabase();
  step(`starting the app on ${APP} and the sandbox on ${SANDBOX} (scripts/start.mjs; builds when stale)`);
  startApp();
  await waitForUrl(`${APP}/healthz`, 240_000);
  await waitForUrl(`${SANDBOX}/_sandbox/health`, 30_000);

  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: CONCURRENCY + 4 });
  adminPool = pool;
  const { rows: [{ server_version: postgres }] } = await pool.query("SHOW server_version");

  step("pages: JavaScript and time to first byte (the seeded catalog)");
  const pages = [await pageFigures("/"), await pageFigures("/cart")];

  step("floor: GET /healthz at concurrency 16");
  await floorRun();
  const floor = await withCpu(floorRun, (run) => run.ok);

  step("creating product pools and shoppers");
  const lanes = await createLanes(pool, "load");
  const ceilingLanes = await createLanes(pool, "ceiling");
  const shoppersFor = (label: string, count: number) => createShoppers(pool, lanes, label, count);
  const countShoppers = await shoppersFor("count", SIZES.length + 1);
  const warmShoppers = await shoppersFor("warm", 60);

  step("counting SQL statements (in-process, at the pg driver)");
  const counts = await countStatements(countShoppers);

  step("warming up the checkout");
  await checkoutRun(10, 4, 40, warmShoppers);

  await warmPool(pool, CONCURRENCY);
  const checkout: CheckoutFigures[] = [];
  const loadShoppers = new Map<number, Awaited<ReturnType<typeof shoppersFor>>>();
  for (const size of SIZES) {
    step(`checkout posts, ${size} product(s): ${SERIAL_REQUESTS} at concurrency 1, ${PARALLEL_REQUESTS} at ${CONCURRENCY}, changed carts, ceiling`);
    const serial = await checkoutRun(size, 1, SERIAL_REQUESTS, await shoppersFor(`serial-${size}`, SERIAL_REQUESTS + 1));
    const parallelShoppers = await shoppersFor(`load-${size}`, PARALLEL_REQUESTS + CONCURRENCY);
    loadShoppers.set(size, parallelShoppers);
    const parallel = await withCpu(() => checkoutRun(size, CONCURRENCY, PARALLEL_REQUESTS, parallelShoppers), (run) => run.ok);
    const changedCart = await checkoutRun(size, 1, SERIAL_REQUESTS, await shoppersFor(`changed-${size}`, 1), { repeat: true });
    const ceilingShoppers = await createShoppers(pool, ceilingLanes, `ceiling-${size}`, PARALLEL_REQUESTS);
    const jobs: CheckoutJob[] = ceilingShoppers.map((shopper) => ({ buyerId: shopper.id, products: nextCart(shopper.lane, size) }));
    const ceiling = await withCpu(() => runCheckoutCeiling(pool, jobs, CONCURRENCY), (run) => run.done);
    checkout.push({ size, serial, changedCart, parallel: parallel.result, ceiling: ceiling.result, cpu: parallel.cpu, ceilingCpu: ceiling.cpu });
  }

  const { stripe } = await app();
  const settlement: SettlementFigures[] = [];
  for (const size of SIZES) {
    step(`webhook settlements, ${size} order(s) per checkout, concurrency ${CONCURRENCY}, and ceiling`);
    const sessions = await pendingSessions(pool, loadShoppers.get(size)!, size);
    const run = await withCpu(() => settlementRun(sessions, stripe.STRIPE_API_VERSION), (r) => r.ok);
    const { rows: ceilingSessions } = await pool.query<{ id: string; total: number }>(
      `SELECT s.id, s.total FROM checkout_sessions s JOIN users u ON u.id = s.buyer_id
        WHERE s.status = 'PENDING' AND u.email LIKE $1 ORDER BY s.created_at`,
      [`ceiling-${size}-%`],
    );
    const ceiling = await withCpu(
      () => runSettlementCeiling(pool, ceilingSessions.slice(0, run.result.requests || ceilingSessions.length).map((s) => ({ sessionId: s.id, total: s.total })), CONCURRENCY),
      (r) => r.done,
    );
    settlement.push({ size, run: run.result, ceiling: ceiling.result, cpu: run.cpu, ceilingCpu: ceiling.cpu });
  }

  await pool.end();
  await stopAppAndWait();
  const elapsed = (Date.now() - startedAt) / 1000;
  report({ loadAtStart, postgres, counts, checkout, settlement, pages, floor: { run: floor.result, cpu: floor.cpu }, elapsed });
  // The app's in-process modules hold timers and sockets of their own.
  process.exit(0);
}

main().catch(async (error) => {
  console.error(error);
  stopApp();
  await adminPool?.end().catch(() => {});
  process.exit(1);
});
