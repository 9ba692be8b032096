import type { AppServer } from "../../support/app-server";
import { providerEnv, SANDBOX_KEYS, startSandboxInProcess, type InProcessSandbox, type SandboxKeys } from "../../support/sandbox";
import { signStripeEvent } from "../../support/stripe-events";
import { startWebhookReceiver } from "../../support/webhook-receiver";

// The payment sandbox in this process for the servers' processes, and a
// catcher that keeps its signed deliveries so a test can deliver them again.

export interface CaughtWebhook {
  provider: "stripe" | "toss";
  body: string;
  event: { id?: string; type?: string; eventType?: string; data?: { object?: { id?: string } } };
}

export interface Sandbox extends InProcessSandbox {
  /** Its address on 127.0.0.1. */
  url: string;
  /** The environment an app server needs to use this sandbox. */
  serverEnv(): Record<string, string>;
  /** Where the sandbox sends webhooks: a server, the catcher, or nowhere. */
  sendWebhooksTo(target: { url: string } | "catcher" | null): Promise<void>;
  /** Webhooks the catcher received (the sandbox's own signed bodies), in order. */
  readonly caught: CaughtWebhook[];
}

function parsed(body: string): CaughtWebhook["event"] {
  try {
    return JSON.parse(body);
  } catch {
    return {};
  }
}

export async function startPaymentSandbox(keys: SandboxKeys = SANDBOX_KEYS): Promise<Sandbox> {
  const catcher = await startWebhookReceiver();
  const sandbox = await startSandboxInProcess({ keys, webhookRetryDelaysMs: [200, 500, 1000], webhookTimeoutMs: 5_000 });
  return {
    ...sandbox,
    url: sandbox.base,
    get caught() {
      return catcher.requests.map((request) => ({
        provider: request.path.includes("toss") ? ("toss" as const) : ("stripe" as const),
        body: request.body,
        event: parsed(request.body),
      }));
    },
    serverEnv: () => providerEnv(sandbox.base, keys),
    sendWebhooksTo: (target) => sandbox.deliverWebhooksTo(target === null ? null : target === "catcher" ? catcher.url : target.url),
    async close() {
      await sandbox.close();
      await catcher.close();
    },
  };
}

/** Delivers `body` to `server`'s Stripe webhook with a fresh signature, as Stripe signs each delivery attempt. */
export async function postStripeEvent(server: AppServer, body: string, secret: string): Promise<Response> {
  return fetch(`${server.url}/webhooks/stripe`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Stripe-Signature": signStripeEvent(body, { secret }) },
    body,
  });
}
