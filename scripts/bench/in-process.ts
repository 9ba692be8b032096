// The app's own modules, run inside the benchmark process against the same
// database and sandbox as the server: to sign shoppers' cookies and to count
// the statements of one request.
import { register } from "node:module";
import { APP_ENV, SANDBOX } from "./settings";

let loaded: ReturnType<typeof load> | undefined;

async function load() {
  // Route modules import stylesheets; the hook turns them into "" here.
  register("./css-stub.mjs", import.meta.url);
  Object.assign(process.env, APP_ENV, { STRIPE_API_BASE: SANDBOX, TOSS_API_BASE: SANDBOX, APP_ENV: "development" });
  const [session, cart, webhook, success, database, stripe] = await Promise.all([
    import("~/services/web/session.server"),
    import("~/routes/cart"),
    import("~/routes/webhooks.stripe"),
    import("~/routes/checkout.$sessionId.success"),
    import("~/db.server"),
    import("~/services/payments/stripe-client.server"),
  ]);
  return { session, cart, webhook, success, database, stripe };
}

/** The app's modules, loaded once with the benchmark's environment. */
export function app() {
  loaded ??= load();
  return loaded;
}
