// The app under measurement: its database, and scripts/start.mjs (the app
// server and the payment sandbox) started on the benchmark's own ports.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { sandboxProcessEnv } from "../../tests/support/sandbox";
import { APP_ENV, APP_PORT, DB_NAME, PG_BASE, ROOT, SANDBOX_PORT } from "./settings";

let app: ChildProcess | undefined;

/** The pid of scripts/start.mjs (the app server and the sandbox run below it). */
export const appPid = () => app?.pid;

export function stopApp() {
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
export async function stopAppAndWait() {
  if (!app || app.exitCode !== null) return;
  const exited = new Promise((resolve) => app!.once("exit", resolve));
  stopApp();
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 30_000))]);
  stopApp();
}

export function startApp(): void {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ["STRIPE_SECRET_KEY", "TOSS_SECRET_KEY", "STRIPE_API_BASE", "TOSS_API_BASE", "NODE_ENV", "APP_ENV"]) delete env[key];
  Object.assign(env, APP_ENV, sandboxProcessEnv(SANDBOX_PORT), {
    PORT: String(APP_PORT),
    STORAGE_DIR: path.join(os.tmpdir(), "marketplace-bench-storage"),
  });
  // BENCH_PROFILE_DIR: the app server writes a V8 CPU profile there when it stops (cpu-profile.mjs).
  if (process.env.BENCH_PROFILE_DIR) {
    env.BENCH_PROFILE_DIR = path.resolve(process.env.BENCH_PROFILE_DIR);
    env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ""} --import ${path.join(ROOT, "scripts", "bench", "cpu-profile.mjs")}`.trim();
  }
  const child = spawn(process.execPath, [path.join(ROOT, "scripts", "start.mjs")], { cwd: ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const log = fs.createWriteStream(path.join(os.tmpdir(), "marketplace-bench-app.log"));
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  app = child;
}

export async function waitForUrl(url: string, timeoutMs: number) {
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

export async function recreateDatabase() {
  const admin = new pg.Client({ connectionString: `${PG_BASE}/postgres` });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${DB_NAME}`);
  await admin.end();
}
