import { afterAll, beforeAll } from "vitest";
import type { AppServer } from "../../support/app-server";
import { prepareDatabase, releaseDatabase, useScratchDatabase, type ScratchDatabase } from "../../support/database";
import { SANDBOX_KEYS, type SandboxKeys } from "../../support/sandbox";
import type { LoadBalancer } from "./balancer";
import { startPaymentSandbox, type Sandbox } from "./sandbox";
import { startServers } from "./servers";

// The whole shop for one test file.

export interface Shop {
  database: ScratchDatabase;
  sandbox: Sandbox;
  servers: AppServer[];
  balancer: LoadBalancer;
  stop(): Promise<void>;
}

export interface ShopOptions {
  env?: Record<string, string>;
  keys?: SandboxKeys;
  servers?: number;
  webhooks?: "balancer" | "catcher" | null;
}

/**
 * A scratch database (migrated), the payment sandbox and `servers` app server
 * processes behind one balancer, with the sandbox's webhooks sent to the
 * balancer unless `webhooks` says otherwise.
 */
export async function startShop(
  label: string,
  { env = {}, keys = SANDBOX_KEYS, servers: count = 2, webhooks = "balancer" }: ShopOptions = {},
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

/**
 * The shop for one test file: started before the file's other `beforeAll`
 * hooks, stopped after its `afterAll` hooks. `use` receives it once it runs.
 */
export function useShop(label: string, options: ShopOptions, use: (shop: Shop) => void): void {
  let shop: Shop | undefined;
  beforeAll(async () => {
    shop = await startShop(label, options);
    use(shop);
  });
  afterAll(async () => {
    await shop?.stop();
  });
}
