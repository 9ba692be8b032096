import Stripe from "stripe";
import { startSandbox, type RunningSandbox, type SandboxOptions } from "../../sandbox/server.ts";
import { waitFor } from "./wait";

// The payment sandbox as every test layer and the benchmark use it: one set
// of keys, the environment that points the app (or the sandbox's own process)
// at it, and the sandbox started in this process with its control API at hand.

export interface SandboxKeys {
  stripeSecretKey: string;
  stripeWebhookSecret: string;
  tossSecretKey: string;
  tossClientKey: string;
}

/** Keys of the sandbox's shape, distinct for `label`: `sk_test_<label>`, `whsec_<label>`, `test_sk_<label>`, `test_ck_<label>`. */
export function sandboxKeys(label: string): SandboxKeys {
  return {
    stripeSecretKey: `sk_test_${label}`,
    stripeWebhookSecret: `whsec_${label}`,
    tossSecretKey: `test_sk_${label}`,
    tossClientKey: `test_ck_${label}`,
  };
}

/** The keys the app (app/env.server.ts) and the sandbox (sandbox/env.ts) fall back to outside production. */
export const SANDBOX_KEYS: SandboxKeys = sandboxKeys("sandbox");

/** The app's environment for a sandbox at `apiBase` holding `keys`. */
export function providerEnv(apiBase: string, keys: SandboxKeys = SANDBOX_KEYS): Record<string, string> {
  return {
    STRIPE_API_BASE: apiBase,
    TOSS_API_BASE: apiBase,
    STRIPE_SECRET_KEY: keys.stripeSecretKey,
    STRIPE_WEBHOOK_SECRET: keys.stripeWebhookSecret,
    TOSS_SECRET_KEY: keys.tossSecretKey,
    TOSS_CLIENT_KEY: keys.tossClientKey,
  };
}

/**
 * The environment under which the sandbox's own process (`npm run sandbox`,
 * or the one scripts/start.mjs starts) serves on `port` of 127.0.0.1, with
 * the default keys.
 */
export function sandboxProcessEnv(port: number): Record<string, string> {
  return { SANDBOX_PORT: String(port), SANDBOX_HOST: "127.0.0.1", SANDBOX_URL: `http://127.0.0.1:${port}` };
}

/** The Authorization header TossPayments expects: the secret key as a Basic user with no password. */
export function tossAuthorization(secretKey: string = SANDBOX_KEYS.tossSecretKey): string {
  return `Basic ${Buffer.from(`${secretKey}:`).toString("base64")}`;
}

/** The Stripe SDK talking to the sandbox on `port`, without retries. */
export function sandboxStripe(port: number, { secretKey = SANDBOX_KEYS.stripeSecretKey, timeoutMs }: { secretKey?: string; timeoutMs?: number } = {}): Stripe {
  return new Stripe(secretKey, {
    host: "127.0.0.1",
    port,
    protocol: "http",
    maxNetworkRetries: 0,
    ...(timeoutMs === undefined ? {} : { timeout: timeoutMs }),
  });
}

export interface InProcessSandbox {
  /** The running server: `url` is its public origin (the hosted pages' links), `port` where it listens. */
  sandbox: RunningSandbox;
  /** Its address on 127.0.0.1. */
  base: string;
  keys: SandboxKeys;
  /** Calls the sandbox (its control API under /_sandbox, or the providers' APIs); the body is null when it is not JSON. */
  control<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  fault(fault: Record<string, unknown>): Promise<void>;
  clearFaults(): Promise<void>;
  /** Sends the webhooks to `origin`'s /webhooks/stripe and /webhooks/toss, or nowhere (null). */
  deliverWebhooksTo(origin: string | null): Promise<void>;
  /** Waits until every webhook the sandbox queued has been answered. */
  webhooksSettled(timeoutMs?: number): Promise<void>;
  /** The Stripe Checkout Sessions opened for the shop's checkout `checkoutSessionId`. */
  stripeSessionsOf(checkoutSessionId: string): Promise<Array<{ id: string; status: string }>>;
  /** Pays Stripe Checkout Session `reference` as its page's Pay button does, then waits for the webhooks; answers the control API's status. */
  payStripeSession(reference: string): Promise<number>;
  close(): Promise<void>;
}

export interface InProcessSandboxOptions extends Partial<Omit<SandboxOptions, keyof SandboxKeys | "stripeWebhookUrl" | "tossWebhookUrl">> {
  keys?: SandboxKeys;
  /** The origin whose /webhooks/stripe and /webhooks/toss receive the webhooks; unset, none are sent. */
  webhooksTo?: string;
}

/** The sandbox in this process, on a free port of 127.0.0.1. */
export async function startSandboxInProcess({ keys = SANDBOX_KEYS, webhooksTo, ...options }: InProcessSandboxOptions = {}): Promise<InProcessSandbox> {
  const sandbox = await startSandbox({
    port: 0,
    host: "127.0.0.1",
    ...keys,
    stripeWebhookUrl: webhooksTo && `${webhooksTo}/webhooks/stripe`,
    tossWebhookUrl: webhooksTo && `${webhooksTo}/webhooks/toss`,
    ...options,
  });
  const base = `http://127.0.0.1:${sandbox.port}`;

  async function control<T>(method: string, path: string, body?: unknown) {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json().catch(() => null)) as T };
  }

  async function webhooksSettled(timeoutMs = 15_000) {
    await waitFor(
      "the sandbox's webhook deliveries",
      async () => ((await control<{ busy: boolean }>("GET", "/_sandbox/deliveries")).body.busy ? undefined : true),
      { timeoutMs },
    );
  }

  return {
    sandbox,
    base,
    keys,
    control,
    webhooksSettled,
    async fault(fault) {
      const answer = await control("POST", "/_sandbox/faults", fault);
      if (answer.status !== 201) throw new Error(`sandbox fault: ${JSON.stringify(answer.body)}`);
    },
    async clearFaults() {
      await control("DELETE", "/_sandbox/faults");
    },
    async deliverWebhooksTo(origin) {
      const answer = await control("POST", "/_sandbox/config", {
        stripeWebhookUrl: origin ? `${origin}/webhooks/stripe` : null,
        tossWebhookUrl: origin ? `${origin}/webhooks/toss` : null,
      });
      if (answer.status !== 200) throw new Error(`sandbox config: ${JSON.stringify(answer.body)}`);
    },
    async stripeSessionsOf(checkoutSessionId) {
      const answer = await control<{ data: Array<{ id: string; status: string }> }>(
        "GET",
        `/_sandbox/stripe/sessions?client_reference_id=${checkoutSessionId}`,
      );
      return answer.body.data;
    },
    async payStripeSession(reference) {
      const paid = await control("POST", `/_sandbox/stripe/sessions/${reference}/pay`);
      await webhooksSettled();
      return paid.status;
    },
    close: () => sandbox.close(),
  };
}
