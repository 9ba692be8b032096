// `npm start`: everything a fresh clone needs to serve the shop, in order:
// build when the sources are newer than the build, migrate and seed the
// database, start the payment sandbox when no real provider keys are set, then
// serve. With DATABASE_URL unset the database is the embedded PGlite.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const env = { ...process.env };
// Without NODE_ENV this is a local run: the production build, served with the
// development defaults (embedded database, payment sandbox).
if (!env.NODE_ENV) {
  env.NODE_ENV = "production";
  env.APP_ENV ??= "development";
}
const production = (env.APP_ENV ?? env.NODE_ENV) === "production";
// A local run answers this machine only; in production (or with HOST set) the
// server listens where it is told, usually every interface behind a proxy.
if (!production) env.HOST ??= "127.0.0.1";

function newestMtime(target) {
  if (!fs.existsSync(target)) return 0;
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(target)) {
    if (entry === "generated") continue;
    newest = Math.max(newest, newestMtime(path.join(target, entry)));
  }
  return newest;
}

function run(label, command, args) {
  const result = spawnSync(command, args, { cwd: root, env, stdio: "inherit" });
  if (result.status !== 0) {
    console.error(`${label} failed (exit ${result.status ?? result.signal}); the server was not started.`);
    process.exit(result.status ?? 1);
  }
}

const buildFile = path.join(root, "build", "index.js");
const sources = ["app", "prisma/schema.prisma", "remix.config.js", "package.json"].map((p) => path.join(root, p));
const stale =
  !fs.existsSync(buildFile) ||
  !fs.existsSync(path.join(root, "app", "generated", "prisma")) ||
  Math.max(...sources.map(newestMtime)) > fs.statSync(buildFile).mtimeMs;
if (stale) run("Build", "npm", ["run", "build"]);

const tsx = path.join(root, "node_modules", "tsx", "dist", "cli.mjs");
run("Migrating and seeding the database", process.execPath, [tsx, "scripts/migrate.ts", "--seed"]);

const children = [];
function stopAll(code) {
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  process.exitCode = code;
}
process.on("SIGINT", () => stopAll(130));
process.on("SIGTERM", () => stopAll(143));

function startChild(label, args, childEnv = env) {
  const child = spawn(process.execPath, args, { cwd: root, env: childEnv, stdio: "inherit" });
  child.on("exit", (code, signal) => {
    if (process.exitCode === undefined) {
      console.error(`${label} stopped (${signal ?? `exit ${code}`}); stopping the rest.`);
      stopAll(code ?? 1);
    }
  });
  children.push(child);
  return child;
}

const sandboxEntry = path.join(root, "sandbox", "main.ts");
const useSandbox =
  !production && !env.STRIPE_SECRET_KEY && !env.TOSS_SECRET_KEY && fs.existsSync(sandboxEntry);
if (useSandbox) {
  env.SANDBOX_PORT ??= "4010";
  const sandboxBase = `http://127.0.0.1:${env.SANDBOX_PORT}`;
  env.STRIPE_API_BASE ??= sandboxBase;
  env.TOSS_API_BASE ??= sandboxBase;
  env.APP_URL ??= `http://localhost:${env.PORT ?? "3000"}`;
  console.log(`No provider keys set: payments go to the local sandbox at ${sandboxBase}.`);
  // The sandbox is a development tool in its own process; the app's server
  // runs the production build, so only the sandbox is told it is development.
  startChild("The payment sandbox", [tsx, sandboxEntry], { ...env, NODE_ENV: "development" });
}

const serve = path.join(root, "node_modules", "@remix-run", "serve", "dist", "cli.js");
startChild("The app server", [serve, buildFile]);
