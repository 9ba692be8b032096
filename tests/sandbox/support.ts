import type Stripe from "stripe";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { sandboxKeys, sandboxStripe, startSandboxInProcess, tossAuthorization, type InProcessSandbox } from "../support/sandbox";
import { waitFor } from "../support/wait";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver";

// The sandbox on its own, as the providers' clients see it: keys of its own
// (not the defaults, so nothing passes by falling back to them), webhooks to a
// receiver that stands in for the shop, and quick retries and sweeps.

export const KEYS = sandboxKeys("sandbox_suite");

export interface TestSandbox extends InProcessSandbox {
  receiver: WebhookReceiver;
  stripe: Stripe;
  /** Calls TossPayments' API with the secret key (or the headers given). */
  toss<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: T }>;
}

export async function startTestSandbox(): Promise<TestSandbox> {
  const receiver = await startWebhookReceiver();
  const sandbox = await startSandboxInProcess({
    keys: KEYS,
    webhooksTo: receiver.url,
    webhookRetryDelaysMs: [30, 60],
    sweepIntervalMs: 50,
  });
  return {
    ...sandbox,
    receiver,
    stripe: sandboxStripe(sandbox.sandbox.port, { secretKey: KEYS.stripeSecretKey }),
    async toss(method, path, body, headers = {}) {
      const response = await fetch(`${sandbox.base}${path}`, {
        method,
        headers: { Authorization: tossAuthorization(KEYS.tossSecretKey), "Content-Type": "application/json", ...headers },
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

let orders = 0;

/** A Toss payment window for a new orderId; `overrides` replace its fields. */
export function tossWindowRequest(overrides: Record<string, unknown> = {}) {
  orders += 1;
  return {
    method: "CARD",
    amount: 39_000,
    orderId: `order_${Date.now()}_${orders}`,
    orderName: "프롬프트 팩 외 2건",
    successUrl: "http://shop.test/checkout/chk_7/success",
    failUrl: "http://shop.test/checkout/chk_7/fail",
    ...overrides,
  };
}

/** Received Stripe events, parsed, in arrival order. */
export function stripeEvents(receiver: WebhookReceiver): Array<{ type: string; id: string; data: { object: any } }> {
  return receiver.requests.filter((r) => r.path === "/webhooks/stripe").map((r) => JSON.parse(r.body));
}

export function tossEvents(receiver: WebhookReceiver): Array<{ eventType: string; createdAt: string; data: any }> {
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
    sandbox!.receiver.reset();
  });
}

/** Waits until `count` requests have met the sandbox's queued faults (a request held by a latency fault is under way). */
export async function faultsFired(t: TestSandbox, count = 1): Promise<void> {
  await waitFor(`${count} request(s) to meet a fault`, async () => {
    const { body } = await t.control<{ data: Array<{ fired: number }> }>("GET", "/_sandbox/faults");
    return body.data.reduce((sum, fault) => sum + fault.fired, 0) >= count;
  });
}
