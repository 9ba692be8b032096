#!/usr/bin/env node
// Prints the figures the reliability suite wrote (.data/reliability/figures.json)
// and rewrites the "Figures of the last run" section of docs/RELIABILITY.md.
// Exits 1 when the figures are missing or one that must hold a value does not.
//
//   node scripts/reliability-report.mjs            print and update the doc
//   node scripts/reliability-report.mjs --no-write print only

import fs from "node:fs";
import path from "node:path";

const FIGURES_FILE = path.resolve(".data/reliability/figures.json");
const DOC_FILE = path.resolve("docs/RELIABILITY.md");
const HEADING = "## Figures of the last run";

// In the order the issue asks for them; `must` is the value a passing run holds.
const ROWS = [
  { name: "sessions_settled", label: "Paid sessions settled (two servers, one database)" },
  { name: "duplicate_deliveries", label: "Duplicate webhook deliveries on top of the originals" },
  { name: "extra_effects", label: "Extra effects (orders, entitlements, download counts, inbox rows)", must: 0 },
  { name: "concurrent_posts", label: "Identical checkout posts at once" },
  { name: "sessions_created_by_concurrent_posts", label: "Sessions those posts created", must: 1 },
  { name: "faults_tried", label: "Faults tried" },
  { name: "db_connections_killed", label: "PostgreSQL connections killed mid-checkout" },
  { name: "sessions_checked_after_faults", label: "Sessions checked for completeness after the faults" },
  { name: "rows_half_written", label: "Half-written sessions (rows missing or orphaned)", must: 0 },
  { name: "slow_provider_posts", label: "Identical posts while Stripe answers in 400 ms (two servers)" },
  { name: "slow_provider_sessions", label: "Sessions those posts created", must: 1 },
  { name: "slow_provider_checkouts", label: "Stripe Checkout Sessions those posts opened", must: 1 },
  { name: "changed_cart_charges_of_a_kept", label: "Charges of A kept after paying [A] and then [A, B]", must: 1 },
  { name: "paid_twice_charges_of_a_kept", label: "Charges of A kept when both pages were paid (one refunded)", must: 1 },
  { name: "refund_of_one_of_two_paid_orders_access_kept", label: "Access kept after refunding one of two PAID orders", must: 1 },
  { name: "reconciled_paid", label: "Paid checkouts settled by jobs:reconcile (webhook and return lost)", must: 1 },
  { name: "reconciled_expired", label: "Unpaid checkouts expired by jobs:reconcile (at Stripe, then here)", must: 1 },
  { name: "disputes_won_restored", label: "Disputes won: access suspended, then restored", must: 1 },
  { name: "disputes_lost_revoked", label: "Disputes lost: REFUNDED and access revoked", must: 1 },
  { name: "parallel_wrong_logins", label: "Wrong logins for one account at once (one address)" },
  { name: "password_checks_run", label: "Password checks those logins ran (limit 10)" },
  { name: "logins_refused_429", label: "Those logins answered 429 before any check" },
  { name: "oversized_body_bytes_sent_before_413_webhooks_stripe", label: "Bytes of a 30 MB body the client had sent when the 413 came (Stripe webhook)" },
  { name: "oversized_body_bytes_sent_before_413_webhooks_toss", label: "Bytes of a 30 MB body the client had sent when the 413 came (Toss webhook)" },
  { name: "hostile_inputs_tried", label: "Hostile inputs tried" },
  { name: "hostile_rows_written", label: "Rows written by hostile inputs", must: 0 },
];

function readFigures() {
  try {
    return JSON.parse(fs.readFileSync(FIGURES_FILE, "utf8"));
  } catch {
    return null;
  }
}

function table(figures) {
  const known = new Set(ROWS.map((row) => row.name));
  const rows = [
    ...ROWS.filter((row) => row.name in figures),
    ...Object.keys(figures)
      .filter((name) => !known.has(name))
      .sort()
      .map((name) => ({ name, label: name.replace(/_/g, " ") })),
  ];
  const problems = [];
  const lines = ["| figure | value | must be |", "|---|---:|---:|"];
  for (const row of rows) {
    const value = figures[row.name];
    const ok = row.must === undefined || value === row.must;
    if (!ok) problems.push(`${row.name} is ${value}, must be ${row.must}`);
    lines.push(`| ${row.label} (\`${row.name}\`) | ${value} | ${row.must === undefined ? "" : `${row.must}${ok ? "" : " ✗"}`} |`);
  }
  const missing = ROWS.filter((row) => row.must !== undefined && !(row.name in figures) && !row.name.startsWith("hostile_"));
  for (const row of missing) problems.push(`${row.name} was not recorded (did its test run?)`);
  return { markdown: lines.join("\n"), problems };
}

function updateDoc(markdown, stamp) {
  if (!fs.existsSync(DOC_FILE)) return false;
  const doc = fs.readFileSync(DOC_FILE, "utf8");
  const start = doc.indexOf(HEADING);
  if (start === -1) return false;
  const rest = doc.slice(start + HEADING.length);
  const next = rest.search(/\n## /);
  const tail = next === -1 ? "\n" : rest.slice(next);
  const section = `${HEADING}\n\nWritten by \`node scripts/reliability-report.mjs\` after \`npm run test:reliability\` (${stamp}).\n\n${markdown}\n`;
  fs.writeFileSync(DOC_FILE, `${doc.slice(0, start)}${section}${tail.startsWith("\n") ? tail : `\n${tail}`}`);
  return true;
}

const figures = readFigures();
if (!figures) {
  console.error(`No figures at ${path.relative(process.cwd(), FIGURES_FILE)}: run the reliability suite first (npm run test:reliability).`);
  process.exit(1);
}
const { markdown, problems } = table(figures);
console.log("\nReliability figures of the last run\n");
console.log(markdown);
console.log("");
if (!process.argv.includes("--no-write")) {
  const stamp = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  console.log(updateDoc(markdown, stamp) ? `Updated ${path.relative(process.cwd(), DOC_FILE)}.` : `No "${HEADING}" section in ${DOC_FILE}; not updated.`);
}
if (problems.length > 0) {
  console.error(`\nFigures that do not hold:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  process.exit(1);
}
