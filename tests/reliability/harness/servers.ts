import path from "node:path";
import { AppServer } from "../../support/app-server";
import { LoadBalancer } from "./balancer";

/** Where the suite's app servers write their output, one `<server>.log` each. */
export const LOG_DIR = path.resolve(".data/reliability/logs");

/** An app server process of the production build, its output written under LOG_DIR. */
export function appServer(name: string, env: Record<string, string>): AppServer {
  return new AppServer({ name, env, logDir: LOG_DIR });
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
  const servers = Array.from({ length: count }, (_, i) => appServer(`${prefix}-${i + 1}`, { APP_URL: balancer.url, ...env }));
  balancer.servers = servers;
  // One at a time: two cold starts at once on two cores only slow each other.
  for (const server of servers) await server.start();
  return { servers, balancer };
}
