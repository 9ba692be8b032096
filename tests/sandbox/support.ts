import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { type RunningSandbox, type SandboxOptions, startSandbox } from "../../sandbox/server.ts";

export const KEYS = {
  stripeSecretKey: "sk_test_sandbox_suite",
  stripeWebhookSecret: "whsec_sandbox_suite",
  tossSecretKey: "test_sk_sandbox_suite",
  tossClientKey: "test_ck_sandbox_suite",
} as const;

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  /** Status codes to answer, in order; the last one repeats. */
  answers: number[];
  close(): Promise<void>;
}

/** A local HTTP endpoint standing in for the shop's webhook routes. */
export async function startReceiver(): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const receiver: Receiver = { url: "", requests, answers: [200], close: async () => {} };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      requests.push({ path: req.url ?? "/", headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), at: Date.now() });
      const index = Math.min(requests.length - 1, receiver.answers.length - 1);
      const status = receiver.answers[index];
      res.writeHead(status, { "Content-Type": "text/plain" });
      res.end(status < 300 ? "ok" : "nope");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}

export interface TestSandbox {
  sandbox: RunningSandbox;
  base: string;
  receiver: Receiver;
  stripe: Stripe;
  control<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  toss<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

export async function startTestSandbox(extra: Partial<SandboxOptions> = {}): Promise<TestSandbox> {
  const receiver = await startReceiver();
  const sandbox = await startSandbox({
    port: 0,
    host: "127.0.0.1",
    ...KEYS,
    stripeWebhookUrl: `${receiver.url}/webhooks/stripe`,
    tossWebhookUrl: `${receiver.url}/webhooks/toss`,
    webhookRetryDelaysMs: [30, 60],
    sweepIntervalMs: 50,
    ...extra,
  });
  const base = `http://127.0.0.1:${sandbox.port}`;
  const stripe = new Stripe(KEYS.stripeSecretKey, {
    host: "127.0.0.1",
    port: sandbox.port,
    protocol: "http",
    maxNetworkRetries: 0,
  });
  const basic = `Basic ${Buffer.from(`${KEYS.tossSecretKey}:`).toString("base64")}`;
  return {
    sandbox,
    base,
    receiver,
    stripe,
    async control(method, path, body) {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: { "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: await response.json() };
    },
    async toss(method, path, body, headers = {}) {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: { Authorization: basic, "Content-Type": "application/json", ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: await response.json() };
    },
    async close() {
      await sandbox.close();
      await receiver.close();
    },
  };
}

export async function waitFor<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("waitFor: condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Three products in one cart, as the shop sends them. */
export function threeItemCheckout(overrides: Partial<Stripe.Checkout.SessionCreateParams> = {}): Stripe.Checkout.SessionCreateParams {
  return {
    mode: "payment",
    line_items: [
      { quantity: 1, price_data: { currency: "usd", unit_amount: 1500, product_data: { name: "Llama fine-tune pack" } } },
      { quantity: 1, price_data: { currency: "usd", unit_amount: 499, product_data: { name: "Prompt pack: SQL" } } },
      { quantity: 2, price_data: { currency: "usd", unit_amount: 2000, product_data: { name: "Dataset: receipts" } } },
    ],
    success_url: "http://shop.test/checkout/chk_1/success?session_id={CHECKOUT_SESSION_ID}",
    cancel_url: "http://shop.test/cart",
    client_reference_id: "chk_1",
    metadata: { checkoutSessionId: "chk_1" },
    payment_intent_data: { metadata: { checkoutSessionId: "chk_1" } },
    expires_at: Math.floor(Date.now() / 1000) + 60 * 60,
    ...overrides,
  };
}

/** Received Stripe events, parsed, in arrival order. */
export function stripeEvents(receiver: Receiver): Array<{ type: string; id: string; data: { object: any } }> {
  return receiver.requests.filter((r) => r.path === "/webhooks/stripe").map((r) => JSON.parse(r.body));
}

export function tossEvents(receiver: Receiver): Array<{ eventType: string; createdAt: string; data: any }> {
  return receiver.requests.filter((r) => r.path === "/webhooks/toss").map((r) => JSON.parse(r.body));
}

/**
 * One sandbox for the test file, reset (with its webhook receiver) before each
 * test; `use` receives it once it has started.
 */
export function useTestSandbox(use: (sandbox: TestSandbox) => void): void {
  let sandbox: TestSandbox | undefined;
  beforeAll(async () => {
    sandbox = await startTestSandbox();
    use(sandbox);
  });
  afterAll(async () => {
    await sandbox?.close();
  });
  beforeEach(async () => {
    await sandbox!.control("POST", "/_sandbox/reset");
    sandbox!.receiver.requests.length = 0;
    sandbox!.receiver.answers = [200];
  });
}
