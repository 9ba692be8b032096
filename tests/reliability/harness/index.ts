// Real processes for the reliability suite: app servers spawned from the
// production build (each on its own port, stdout and stderr captured), the
// payment sandbox, a scratch PostgreSQL database per test file, and a TCP
// proxy in front of PostgreSQL that can be cut and restored.
// Everything here talks to loopback addresses only, and every wait is bounded.

export { AppServer, runToExit, type AppServerOptions } from "../../support/app-server";
export { useScratchDatabase, type ScratchDatabase } from "../../support/database";
export { freePort } from "../../support/loopback";
export { sleep, waitFor } from "../../support/wait";
export { LoadBalancer } from "./balancer";
export { backdateExpiry, sqlClient } from "./database";
export { DatabaseProxy } from "./database-proxy";
export { mapLimit, shuffle } from "./parallel";
export { postStripeEvent, startPaymentSandbox, type CaughtWebhook, type Sandbox } from "./sandbox";
export { LOG_DIR, appServer, startServers } from "./servers";
export { startShop, useShop, type Shop, type ShopOptions } from "./shop";
export { addToCart, getAs, postCheckout, stripeSessionIdOf, takePageToken } from "./shopper";
