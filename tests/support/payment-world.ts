import { createServer, type IncomingMessage } from "node:http";
import type Stripe from "stripe";
import { afterAll, beforeAll } from "vitest";
import { prepareDatabase, releaseDatabase } from "./database";
import { closeServer, listenOnLoopback } from "./loopback";
import { providerEnv, sandboxStripe, startSandboxInProcess, type InProcessSandbox } from "./sandbox";

// The shop's provider traffic in one process: the payment sandbox on a random
// port, and a small HTTP front that hands the sandbox's webhooks to the real
// route actions. Call before anything reads the environment.

export interface PaymentWorld extends InProcessSandbox {
  /** The front that takes the sandbox's webhooks: the shop's APP_URL. */
  appUrl: string;
  /** The Stripe SDK on the sandbox, with the shop's key. */
  stripe: Stripe;
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
  appUrl = `http://127.0.0.1:${await listenOnLoopback(front)}`;

  const sandbox = await startSandboxInProcess({
    webhooksTo: appUrl,
    // Long enough apart that a delivery answered "retry later" (a Toss lookup
    // made moments before, at most one per payment every 2 s) is delivered again.
    webhookRetryDelaysMs: [250, 1_000, 2_500],
  });
  Object.assign(process.env, {
    APP_URL: appUrl,
    ...providerEnv(sandbox.sandbox.url, sandbox.keys),
    PROVIDER_TIMEOUT_MS: "1500",
    RECONCILE_INTERVAL_SECONDS: "0",
  });

  return {
    ...sandbox,
    appUrl,
    stripe: sandboxStripe(sandbox.sandbox.port, { secretKey: sandbox.keys.stripeSecretKey }),
    async close() {
      await sandbox.close();
      await closeServer(front);
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
