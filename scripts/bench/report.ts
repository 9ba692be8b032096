// The benchmark's report: printed, and written to docs/BENCHMARKS.md (the
// notes below its marker are kept).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { CeilingRun } from "./ceiling";
import type { CpuCost } from "./cpu-usage";
import type { LoadRun } from "./load";
import type { pageFigures } from "./pages";
import { APP, CONCURRENCY, DB_NAME, ROOT, SANDBOX } from "./settings";
import type { StatementCounts } from "./statements";

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

export interface CheckoutFigures {
  size: number;
  serial: LoadRun;
  /** One shopper posting a changed cart each time: every post ends the open checkout first. */
  changedCart: LoadRun;
  parallel: LoadRun;
  ceiling: CeilingRun;
  cpu: CpuCost;
  ceilingCpu: CpuCost;
}

export interface SettlementFigures {
  size: number;
  run: LoadRun;
  ceiling: CeilingRun;
  cpu: CpuCost;
  ceilingCpu: CpuCost;
}

export function report(r: {
  loadAtStart: number;
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
    ["products", "checkout post", "post of a changed cart", "webhook settlement", "success page (paid)"],
    r.counts.map((c) => [c.size, c.checkout, c.changedCart, c.settlement, c.successPage]),
  );
  lines.push(
    "Targets: the same count for every size; checkout ≤ 10, changed cart ≤ 12, settlement ≤ 12, success page 1 or 2.",
    "A post for a changed cart first ends the shopper's open checkout in that currency (at Stripe, then here), then opens the new one.",
    "",
  );

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
    "Every post above is its shopper's first checkout. A changed cart (one shopper, a new cart each post, concurrency 1),",
    "which also expires the open Stripe Checkout Session:",
    "",
  );
  table(
    ["products", "p50", "p95", "p99", "errors"],
    r.checkout.map(({ size, changedCart }) => [size, fmt(changedCart.p50), fmt(changedCart.p95), fmt(changedCart.p99), changedCart.errors]),
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
    `- Load average (1 min) at the start of the run: ${r.loadAtStart.toFixed(1)}, at the end: ${os.loadavg()[0].toFixed(1)}. Anything else`,
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
    `migrations, seed, the payment sandbox on ${SANDBOX}, the app on ${APP}), creates shoppers in the`,
    "database, each holding the session and CSRF cookies the app's own code signs with the server's secret",
    "(as a login would set them), and posts `/cart` with `intent=checkout`. Each post is its shopper's first",
    "checkout (a shopper holds one open checkout per currency; a changed cart is measured on its own), and",
    "concurrent posts draw their carts from different pools of 97 products. Load comes from autocannon over loopback; every run is",
    "bounded by a request count. Statement counts come from the route modules run in the bench process",
    "against the same database and sandbox, counting each `pg` client query. The ceiling runs the same",
    "statements, imported from the model modules (see scripts/bench/ceiling.ts), straight through `pg` at the",
    "same concurrency, over connections",
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
