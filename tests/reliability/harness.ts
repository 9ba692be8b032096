import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import { createServer, request, type Server } from "node:http";
import net from "node:net";
import path from "node:path";
import pg from "pg";
import Stripe from "stripe";
import { startSandbox, type RunningSandbox } from "../../sandbox/server.ts";
import { prepareDatabase, releaseDatabase } from "../support/database";
import type { Visitor } from "../support/requests";

// Real processes for the reliability suite: app servers spawned from the
// production build (each on its own port, stdout and stderr captured), the
// payment sandbox, a scratch PostgreSQL database per test file, and a TCP
// proxy in front of PostgreSQL that can be cut and restored.
// Everything here talks to loopback addresses only, and every wait is bounded.

const BUILD_FILE = path.resolve("build/index.js");
const SERVE_CLI = path.resolve("node_modules/@remix-run/serve/dist/cli.js");
export const LOG_DIR = path.resolve(".data/reliability/logs");

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `check` until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, { timeoutMs = 10_000, everyMs = 50 } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ""}`);
}

/** Runs `work` over `items` with at most `limit` in flight; answers in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  });
  await Promise.all(lanes);
  return results;
}

export function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

// ---------------------------------------------------------------------------
// A scratch database per test file: the servers of one file share it, and
// nothing another engineer runs against the test database is disturbed (the
// connection-killing test only terminates backends of this database).

export interface ScratchDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/**
 * Creates an empty database next to DATABASE_URL's and points this process's
 * DATABASE_URL at it. Call before anything reads the environment; then
 * `prepareDatabase()` migrates it.
 */
export async function useScratchDatabase(label: string): Promise<ScratchDatabase> {
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error("The reliability suite needs DATABASE_URL (a PostgreSQL server).");
  const name = `reliability_${label}_${randomUUID().replace(/-/g, "").slice(0, 10)}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(base);
  url.pathname = `/${name}`;
  process.env.DATABASE_URL = url.toString();
  return {
    url: url.toString(),
    name,
    async drop() {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** One plain connection to `url` for the test's own SQL (killing backends, stale expiry dates). */
export async function sqlClient(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  client.on("error", () => {});
  await client.connect();
  return client;
}

/** Moves the sessions' expiry a minute into the past, for the servers' expiry jobs to find. */
export async function backdateExpiry(databaseUrl: string, sessionIds: string[]): Promise<void> {
  const sql = await sqlClient(databaseUrl);
  try {
    await sql.query(`UPDATE checkout_sessions SET expires_at = now() - interval '1 minute' WHERE id = ANY($1::uuid[])`, [sessionIds]);
  } finally {
    await sql.end();
  }
}

// ---------------------------------------------------------------------------
// App servers

export interface AppServerOptions {
  name: string;
  env: Record<string, string>;
  port?: number;
}

export class AppServer {
  readonly name: string;
  port = 0;
  private child: ChildProcess | null = null;
  private output: string[] = [];
  private logFile: string;
  private exited: Promise<number | null> = Promise.resolve(null);

  constructor(private options: AppServerOptions) {
    this.name = options.name;
    fs.mkdirSync(LOG_DIR, { recursive: true });
    this.logFile = path.join(LOG_DIR, `${options.name}.log`);
    fs.writeFileSync(this.logFile, "");
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Everything the process wrote to stdout and stderr, over all its starts. */
  logs(): string {
    return this.output.join("");
  }

  /** Output written after `mark` (a value of `logs().length`). */
  logsSince(mark: number): string {
    return this.logs().slice(mark);
  }

  async start(): Promise<void> {
    if (!fs.existsSync(BUILD_FILE)) throw new Error("No server build: run `npm run build` first.");
    this.port ||= this.options.port ?? (await freePort());
    const child = spawn(process.execPath, [SERVE_CLI, BUILD_FILE], {
      env: {
        ...process.env,
        NODE_ENV: "production",
        APP_ENV: "test",
        PORT: String(this.port),
        APP_URL: this.url,
        ...this.options.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    const capture = (stream: string) => (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      this.output.push(text);
      fs.appendFileSync(this.logFile, stream === "stderr" ? text.replace(/^(?=.)/gm, "[stderr] ") : text);
    };
    child.stdout?.on("data", capture("stdout"));
    child.stderr?.on("data", capture("stderr"));
    this.exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
    await this.waitUntilHealthy();
  }

  /** Waits for /healthz to answer `status` (200: up with its database). */
  async waitUntilHealthy(status = 200, timeoutMs = 20_000): Promise<void> {
    await waitFor(
      `${this.name} /healthz ${status}`,
      async () => {
        if (!this.running) throw new Error(`${this.name} exited: ${this.logs().slice(-2000)}`);
        const response = await fetch(`${this.url}/healthz`);
        await response.arrayBuffer();
        return response.status === status ? true : undefined;
      },
      { timeoutMs, everyMs: 100 },
    );
  }

  /** kill -9: no shutdown, no finally blocks, connections dropped mid-request. */
  async kill9(): Promise<void> {
    if (!this.child || !this.running) return;
    this.child.kill("SIGKILL");
    await this.exited;
  }

  async stop(): Promise<void> {
    if (!this.child || !this.running) return;
    this.child.kill("SIGTERM");
    const code = await Promise.race([this.exited, sleep(5_000).then(() => "timeout" as const)]);
    if (code === "timeout") await this.kill9();
  }

  /** Starts again on the same port with the same environment. */
  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }
}

/**
 * `count` servers behind one round-robin balancer whose origin is every
 * server's APP_URL, as in a deployment: provider return URLs (and so the
 * provider's idempotent request parameters) are the same whichever server
 * opens the checkout.
 */
export async function startServers(
  count: number,
  prefix: string,
  env: Record<string, string>,
): Promise<{ servers: AppServer[]; balancer: LoadBalancer }> {
  const balancer = new LoadBalancer();
  await balancer.listen();
  const servers = Array.from({ length: count }, (_, i) => new AppServer({ name: `${prefix}-${i + 1}`, env: { APP_URL: balancer.url, ...env } }));
  balancer.servers = servers;
  // One at a time: two cold starts at once on two cores only slow each other.
  for (const server of servers) await server.start();
  return { servers, balancer };
}

/** A round-robin HTTP front for app servers (skipping stopped ones). */
export class LoadBalancer {
  servers: AppServer[] = [];
  /** Append the client's socket address to X-Forwarded-For, as a reverse proxy does. */
  appendForwardedFor = false;
  private server: Server | null = null;
  private next = 0;
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async listen(): Promise<void> {
    const server = createServer((req, res) => {
      const up = this.servers.filter((s) => s.running);
      if (up.length === 0) {
        res.writeHead(502);
        res.end("no app server is running");
        return;
      }
      const target = up[this.next++ % up.length];
      const headers = { ...req.headers };
      if (this.appendForwardedFor) {
        const sent = req.headers["x-forwarded-for"];
        headers["x-forwarded-for"] = [sent, req.socket.remoteAddress].filter(Boolean).join(", ");
      }
      const forward = request(
        { host: "127.0.0.1", port: target.port, method: req.method, path: req.url, headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on("error", () => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      req.pipe(forward);
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.port = (server.address() as net.AddressInfo).port;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

// ---------------------------------------------------------------------------
// The payment sandbox, in this process on a free port, and a webhook catcher.

export interface Keys {
  stripeSecretKey: string;
  stripeWebhookSecret: string;
  tossSecretKey: string;
  tossClientKey: string;
}

export const SANDBOX_KEYS: Keys = {
  stripeSecretKey: "sk_test_sandbox",
  stripeWebhookSecret: "whsec_sandbox",
  tossSecretKey: "test_sk_sandbox",
  tossClientKey: "test_ck_sandbox",
};

export interface CaughtWebhook {
  provider: "stripe" | "toss";
  body: string;
  event: { id?: string; type?: string; eventType?: string; data?: { object?: { id?: string } } };
}

export interface Sandbox {
  url: string;
  keys: Keys;
  /** The environment an app server needs to use this sandbox. */
  serverEnv(): Record<string, string>;
  control<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** Where the sandbox sends webhooks: a server, the catcher, or nowhere. */
  sendWebhooksTo(target: { url: string } | "catcher" | null): Promise<void>;
  /** Webhooks the catcher received (the sandbox's own signed bodies), in order. */
  caught: CaughtWebhook[];
  webhooksSettled(timeoutMs?: number): Promise<void>;
  fault(fault: Record<string, unknown>): Promise<void>;
  clearFaults(): Promise<void>;
  close(): Promise<void>;
}

export async function startPaymentSandbox(keys: Keys = SANDBOX_KEYS): Promise<Sandbox> {
  const caught: CaughtWebhook[] = [];
  const catcher: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let event: CaughtWebhook["event"] = {};
      try {
        event = JSON.parse(body);
      } catch {
        /* kept as text */
      }
      caught.push({ provider: req.url?.includes("toss") ? "toss" : "stripe", body, event });
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end('{"received":true}');
    });
  });
  await new Promise<void>((resolve) => catcher.listen(0, "127.0.0.1", resolve));
  const catcherUrl = `http://127.0.0.1:${(catcher.address() as net.AddressInfo).port}`;

  const sandbox: RunningSandbox = await startSandbox({
    port: 0,
    host: "127.0.0.1",
    ...keys,
    stripeWebhookUrl: undefined,
    tossWebhookUrl: undefined,
    webhookRetryDelaysMs: [200, 500, 1000],
    webhookTimeoutMs: 5_000,
  });
  const url = `http://127.0.0.1:${sandbox.port}`;

  async function control<T>(method: string, route: string, body?: unknown) {
    const response = await fetch(`${url}${route}`, {
      method,
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json().catch(() => null)) as T };
  }

  return {
    url,
    keys,
    caught,
    control,
    serverEnv: () => ({
      STRIPE_API_BASE: url,
      TOSS_API_BASE: url,
      STRIPE_SECRET_KEY: keys.stripeSecretKey,
      STRIPE_WEBHOOK_SECRET: keys.stripeWebhookSecret,
      TOSS_SECRET_KEY: keys.tossSecretKey,
      TOSS_CLIENT_KEY: keys.tossClientKey,
    }),
    async sendWebhooksTo(target) {
      const base = target === null ? null : target === "catcher" ? catcherUrl : target.url;
      const answer = await control("POST", "/_sandbox/config", {
        stripeWebhookUrl: base ? `${base}/webhooks/stripe` : null,
        tossWebhookUrl: base ? `${base}/webhooks/toss` : null,
      });
      if (answer.status !== 200) throw new Error(`sandbox config: ${JSON.stringify(answer.body)}`);
    },
    async webhooksSettled(timeoutMs = 15_000) {
      await waitFor(
        "the sandbox's webhook deliveries",
        async () => ((await control<{ busy: boolean }>("GET", "/_sandbox/deliveries")).body.busy ? undefined : true),
        { timeoutMs },
      );
    },
    async fault(fault) {
      const answer = await control("POST", "/_sandbox/faults", fault);
      if (answer.status !== 201) throw new Error(`sandbox fault: ${JSON.stringify(answer.body)}`);
    },
    async clearFaults() {
      await control("DELETE", "/_sandbox/faults");
    },
    async close() {
      await sandbox.close();
      catcher.closeAllConnections();
      await new Promise<void>((resolve) => catcher.close(() => resolve()));
    },
  };
}

/** A fresh Stripe-Signature for `body`, as Stripe signs each delivery attempt. */
export function stripeSignature(body: string, secret: string): string {
  return new Stripe("sk_test_unused").webhooks.generateTestHeaderString({ payload: body, secret });
}

export async function postStripeEvent(server: AppServer, body: string, secret: string): Promise<Response> {
  return fetch(`${server.url}/webhooks/stripe`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Stripe-Signature": stripeSignature(body, secret) },
    body,
  });
}

// ---------------------------------------------------------------------------
// The shopper over HTTP, with the cookies of a tests/support Visitor.

function formHeaders(visitor: Visitor): Record<string, string> {
  return { "Content-Type": "application/x-www-form-urlencoded", Cookie: visitor.cookieHeader() };
}

/** POST /cart intent=checkout, as the no-JavaScript form does; the response is not followed. */
export async function postCheckout(server: AppServer, visitor: Visitor, items: string): Promise<Response> {
  return fetch(`${server.url}/cart`, {
    method: "POST",
    redirect: "manual",
    headers: formHeaders(visitor),
    body: new URLSearchParams({ csrf: visitor.csrfToken, intent: "checkout", items }),
  });
}

/** Puts products in the visitor's cart cookie through the real form, so the cart page lists them. */
export async function addToCart(server: AppServer, visitor: Visitor, productIds: readonly string[]): Promise<void> {
  for (const productId of productIds) {
    const response = await fetch(`${server.url}/cart`, {
      method: "POST",
      redirect: "manual",
      headers: formHeaders(visitor),
      body: new URLSearchParams({ csrf: visitor.csrfToken, intent: "add", productId, returnTo: "/cart" }),
    });
    await response.arrayBuffer();
    if (response.status !== 303) throw new Error(`adding to the cart answered ${response.status}`);
    visitor.absorb(response);
  }
}

/** Takes the form token the visitor's pages now carry (a login session has its own). */
export async function takePageToken(base: string, visitor: Visitor): Promise<void> {
  const page = await fetch(`${base}/cart`, { headers: { Cookie: visitor.cookieHeader() } });
  const token = (await page.text()).match(/name="csrf" value="([^"]+)"/)?.[1];
  if (!token) throw new Error(`no form token on the cart page (status ${page.status})`);
  visitor.csrfToken = token;
}

export async function getAs(server: AppServer, visitor: Visitor, route: string): Promise<Response> {
  return fetch(`${server.url}${route}`, { redirect: "manual", headers: { Cookie: visitor.cookieHeader() } });
}

/** The Stripe Checkout Session id in a provider redirect (…/c/pay/cs_…). */
export function stripeSessionIdOf(location: string | null): string {
  const match = location?.match(/\/c\/pay\/(cs_[A-Za-z0-9_]+)/);
  if (!match) throw new Error(`not a Stripe checkout page: ${location}`);
  return match[1];
}

// ---------------------------------------------------------------------------
// PostgreSQL behind a TCP proxy: `cut()` drops every connection and refuses
// new ones (the database is down), `restore()` listens again on the same port.

export class DatabaseProxy {
  port = 0;
  private server: net.Server | null = null;
  private sockets = new Set<net.Socket>();

  constructor(private target: { host: string; port: number }) {}

  static forUrl(url: string): DatabaseProxy {
    const parsed = new URL(url);
    return new DatabaseProxy({ host: parsed.hostname, port: Number(parsed.port || 5432) });
  }

  /** `url` with its host and port replaced by the proxy's. */
  urlThrough(url: string): string {
    const parsed = new URL(url);
    parsed.hostname = "127.0.0.1";
    parsed.port = String(this.port);
    return parsed.toString();
  }

  async listen(): Promise<void> {
    this.port ||= await freePort();
    const server = net.createServer((client) => {
      const upstream = net.connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on("close", () => this.sockets.delete(socket));
        socket.on("error", () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => resolve());
    });
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async restore(): Promise<void> {
    if (!this.server) await this.listen();
  }
}

// ---------------------------------------------------------------------------
// The whole shop for one test file

export interface Shop {
  database: ScratchDatabase;
  sandbox: Sandbox;
  servers: AppServer[];
  balancer: LoadBalancer;
  stop(): Promise<void>;
}

/**
 * A scratch database (migrated), the payment sandbox and `servers` app server
 * processes behind one balancer, with the sandbox's webhooks sent to the
 * balancer unless `webhooks` says otherwise.
 */
export async function startShop(
  label: string,
  { env = {}, keys = SANDBOX_KEYS, servers: count = 2, webhooks = "balancer" }:
    { env?: Record<string, string>; keys?: Keys; servers?: number; webhooks?: "balancer" | "catcher" | null } = {},
): Promise<Shop> {
  const database = await useScratchDatabase(label);
  await prepareDatabase();
  const sandbox = await startPaymentSandbox(keys);
  const { servers, balancer } = await startServers(count, label, { ...sandbox.serverEnv(), ...env });
  await sandbox.sendWebhooksTo(webhooks === "balancer" ? balancer : webhooks);
  return {
    database,
    sandbox,
    servers,
    balancer,
    async stop() {
      await Promise.all(servers.map((server) => server.stop()));
      await balancer.close();
      await sandbox.close();
      await releaseDatabase();
      await database.drop();
    },
  };
}
