import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll } from "vitest";
import { startSandbox, type RunningSandbox } from "../../sandbox/server.ts";
import { prepareDatabase, releaseDatabase } from "./database";

// The shop's provider traffic in one process: the payment sandbox on a random
// port, and a small HTTP front that hands the sandbox's webhooks to the real
// route actions. Call before anything reads the environment.

const KEYS = {
  stripeSecretKey: "sk_test_sandbox",
  stripeWebhookSecret: "whsec_sandbox",
  tossSecretKey: "test_sk_sandbox",
  tossClientKey: "test_ck_sandbox",
};

export interface PaymentWorld {
  sandbox: RunningSandbox;
  appUrl: string;
  control<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** Waits until every webhook the sandbox queued has been answered. */
  webhooksSettled(): Promise<void>;
  close(): Promise<void>;
}

async function toRequest(req: IncomingMessage, base: string): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
  return new Request(new URL(req.url ?? "/", base), {
    method: req.method,
    headers,
    body: req.method === "GET" || req.method === "HEAD" ? undefined : Buffer.concat(chunks),
  });
}

export async function startPaymentWorld(): Promise<PaymentWorld> {
  const routes = {
    "/webhooks/stripe": () => import("~/routes/webhooks.stripe"),
    "/webhooks/toss": () => import("~/routes/webhooks.toss"),
  } as const;
  let appUrl = "";
  const front = createServer(async (req, res) => {
    try {
      const request = await toRequest(req, appUrl);
      const route = routes[new URL(request.url).pathname as keyof typeof routes];
      const response: Response = route
        ? await (await route()).action({ request, params: {}, context: {} })
        : new Response("not found", { status: 404 });
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      res.writeHead(500);
      res.end(String(error));
    }
  });
  await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
  appUrl = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;

  const sandbox = await startSandbox({
    port: 0,
    ...KEYS,
    stripeWebhookUrl: `${appUrl}/webhooks/stripe`,
    tossWebhookUrl: `${appUrl}/webhooks/toss`,
    // Long enough apart that a delivery answered "retry later" (a Toss lookup
    // made moments before, at most one per payment every 2 s) is delivered again.
    webhookRetryDelaysMs: [250, 1_000, 2_500],
  });
  Object.assign(process.env, {
    APP_URL: appUrl,
    STRIPE_API_BASE: sandbox.url,
    TOSS_API_BASE: sandbox.url,
    STRIPE_SECRET_KEY: KEYS.stripeSecretKey,
    STRIPE_WEBHOOK_SECRET: KEYS.stripeWebhookSecret,
    TOSS_SECRET_KEY: KEYS.tossSecretKey,
    TOSS_CLIENT_KEY: KEYS.tossClientKey,
    PROVIDER_TIMEOUT_MS: "1500",
    RECONCILE_INTERVAL_SECONDS: "0",
  });

  async function control<T>(method: string, path: string, body?: unknown) {
    const response = await fetch(`${sandbox.url}${path}`, {
      method,
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json().catch(() => null)) as T };
  }

  return {
    sandbox,
    appUrl,
    control,
    async webhooksSettled() {
      for (let attempt = 0; attempt < 300; attempt++) {
        const { body } = await control<{ busy: boolean; data: Array<{ state?: string; status?: string }> }>("GET", "/_sandbox/deliveries");
        if (!body.busy) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error("webhooks still in flight after 15 s");
    },
    async close() {
      await sandbox.close();
      front.closeAllConnections();
      await new Promise<void>((resolve) => front.close(() => resolve()));
    },
  };
}

/**
 * The payment world and the migrated test database for one test file: both
 * started before its other `beforeAll` hooks, closed after its `afterAll`
 * hooks. `use` receives the world once it has started.
 */
export function usePaymentWorld(use: (world: PaymentWorld) => void): void {
  let world: PaymentWorld | undefined;
  beforeAll(async () => {
    world = await startPaymentWorld();
    await prepareDatabase();
    use(world);
  });
  afterAll(async () => {
    await world?.close();
    await releaseDatabase();
  });
}
