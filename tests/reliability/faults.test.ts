import { afterAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { createProducts, createUser, downloadCounts, itemsOf, visitorFor } from "../support/shop";
import { addFigures } from "./figures";
import {
  AppServer,
  DatabaseProxy,
  addToCart,
  backdateExpiry,
  getAs,
  mapLimit,
  postCheckout,
  postStripeEvent,
  sleep,
  sqlClient,
  stripeSessionIdOf,
  useShop,
  waitFor,
  type LoadBalancer,
  type Sandbox,
  type ScratchDatabase,
} from "./harness";

// Faults, each injected for real: the provider failing or hanging (sandbox
// faults), webhooks lost or out of order, PostgreSQL connections killed mid
// checkout, the database unreachable, and an app server killed with SIGKILL
// between its commit and its provider call.

const PROVIDER_TIMEOUT_MS = 1500;

let database: ScratchDatabase;
let sandbox: Sandbox;
let servers: AppServer[];
let balancer: LoadBalancer;
let faultsTried = 0;

useShop(
  "faults",
  { env: { RECONCILE_INTERVAL_SECONDS: "1", CHECKOUT_POSTS_PER_MINUTE: "1000", PROVIDER_TIMEOUT_MS: String(PROVIDER_TIMEOUT_MS) } },
  (shop) => ({ database, sandbox, servers, balancer } = shop),
);

afterAll(() => {
  addFigures({ faults_tried: faultsTried });
});


type Currency = "USD" | "KRW";
const PRICE: Record<Currency, number> = { USD: 1200, KRW: 15000 };
const PROVIDER: Record<Currency, "stripe" | "toss"> = { USD: "stripe", KRW: "toss" };

async function shopper(label: string, { currency = "USD" as Currency, products = 2 } = {}) {
  const buyer = await createUser(label);
  const visitor = await visitorFor(buyer);
  const cart = await createProducts(products, { currency, price: PRICE[currency] });
  return { buyer, visitor, cart, items: itemsOf(cart) };
}

async function sessionsOf(buyerId: string) {
  return db().checkoutSession.findMany({
    where: { buyerId },
    orderBy: { createdAt: "asc" },
    include: { orders: true, payment: true },
  });
}

async function onlySession(buyerId: string) {
  const sessions = await sessionsOf(buyerId);
  expect(sessions).toHaveLength(1);
  return sessions[0];
}

/** Sets the sessions' expiry in the past and waits for the servers' reconciliation jobs to end them. */
async function makeStaleAndWait(sessionIds: string[]) {
  await backdateExpiry(database.url, sessionIds);
  await waitFor(
    "the reconciliation jobs",
    async () => ((await db().checkoutSession.count({ where: { id: { in: sessionIds }, status: "PENDING" } })) === 0 ? true : undefined),
    { timeoutMs: 10_000, everyMs: 100 },
  );
}

/** The text a shopper reads: tags dropped, entities of quotes decoded. */
function visibleText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, " ");
}

function expectStatuses(session: Awaited<ReturnType<typeof onlySession>>, status: string, paymentStatus = status) {
  expect(session.status).toBe(status);
  expect(session.orders.map((order) => order.status)).toEqual(session.orders.map(() => status));
  expect(session.payment?.status).toBe(paymentStatus);
}

describe("the provider fails to open the payment", () => {
  for (const currency of ["USD", "KRW"] as const) {
    const provider = PROVIDER[currency];

    it(`${provider}: create answers 500 -> a retryable message on the cart page, the session left PENDING (the provider may have opened it), and a retry opens it`, async () => {
      faultsTried++;
      const { buyer, visitor, cart, items } = await shopper(`${provider}-500`, { currency });
      await addToCart(servers[0], visitor, cart.map((p) => p.id));
      await sandbox.fault({ kind: "create_error", provider, status: 500, times: 1 });

      const response = await postCheckout(servers[0], visitor, items);
      const text = visibleText(await response.text());
      expect(response.status).toBe(502);
      expect(text).toContain("Nothing was charged");
      expect(text).toMatch(/could not open the payment .*please try again/);
      const failed = await onlySession(buyer.id);
      expectStatuses(failed, "PENDING");
      expect(failed).toMatchObject({ checkoutUrl: null, openAttempt: 1 });

      const retry = await postCheckout(servers[1], visitor, items);
      await retry.arrayBuffer();
      expect(retry.status).toBe(303);
      const session = await onlySession(buyer.id);
      expect(session.status).toBe("PENDING");
      expect(session.checkoutUrl).toBe(retry.headers.get("Location"));
    });

    it(`${provider}: create hangs past PROVIDER_TIMEOUT_MS -> answered within the timeout with a retryable message, the session left PENDING, and retries reach one page`, async () => {
      faultsTried++;
      const { buyer, visitor, cart, items } = await shopper(`${provider}-hang`, { currency });
      await addToCart(servers[1], visitor, cart.map((p) => p.id));
      await sandbox.fault({ kind: "create_hang", provider, ms: 3_000, times: 1 });

      const started = Date.now();
      const response = await postCheckout(servers[1], visitor, items);
      const text = visibleText(await response.text());
      const tookMs = Date.now() - started;
      expect(response.status).toBe(502);
      expect(tookMs).toBeLessThan(PROVIDER_TIMEOUT_MS + 2_000);
      expect(text).toMatch(/did not answer in time/);
      expect(text).toMatch(/please try again/);
      expectStatuses(await onlySession(buyer.id), "PENDING");

      // While the provider may still be running the hung request (Stripe holds
      // its idempotency key), a retry says the page is being prepared; then it opens.
      const answers = await waitFor("a retry that opens the payment page", async () => {
        const retry = await postCheckout(servers[0], visitor, items);
        const body = visibleText(await retry.text());
        if (retry.status === 202) expect(body).toMatch(/still being prepared/);
        else expect(retry.status).toBe(303);
        return retry.status === 303 ? retry : undefined;
      }, { timeoutMs: 15_000, everyMs: 200 });
      expect((await onlySession(buyer.id)).checkoutUrl).toBe(answers.headers.get("Location"));
    });
  }

  it("stripe: create is slow but within the timeout -> the checkout opens normally", async () => {
    faultsTried++;
    const { buyer, visitor, items } = await shopper("stripe-slow");
    await sandbox.fault({ kind: "create_slow", provider: "stripe", ms: Math.round(PROVIDER_TIMEOUT_MS * 0.6), times: 1 });
    const response = await postCheckout(servers[0], visitor, items);
    await response.arrayBuffer();
    expect(response.status).toBe(303);
    const session = await onlySession(buyer.id);
    expect(session.status).toBe("PENDING");
    expect(session.checkoutUrl).toBe(response.headers.get("Location"));
  });

  it("leaves nothing PENDING past its expiry", async () => {
    const pending = await db().checkoutSession.findMany({ where: { status: "PENDING" }, select: { id: true } });
    expect(pending.length).toBeGreaterThan(0);
    await makeStaleAndWait(pending.map((s) => s.id));
    expect(await db().checkoutSession.count({ where: { status: "PENDING" } })).toBe(0);
    expect(await db().order.count({ where: { status: "PENDING" } })).toBe(0);
    expect(await db().payment.count({ where: { status: "PENDING" } })).toBe(0);
  });
});

describe("webhooks lost or out of order", () => {
  async function openStripeCheckout(label: string) {
    const shop = await shopper(label);
    const response = await postCheckout(servers[0], shop.visitor, shop.items);
    await response.arrayBuffer();
    expect(response.status).toBe(303);
    const reference = stripeSessionIdOf(response.headers.get("Location"));
    const session = await onlySession(shop.buyer.id);
    return { ...shop, reference, sessionId: session.id };
  }

  async function expectSettledOnce(buyerId: string, cart: Array<{ id: string }>) {
    expectStatuses(await onlySession(buyerId), "PAID", "SUCCEEDED");
    const entitlements = await db().entitlement.findMany({ where: { userId: buyerId } });
    expect(entitlements.map((e) => e.productId).sort()).toEqual(cart.map((p) => p.id).sort());
    expect(await downloadCounts(cart)).toEqual(cart.map(() => 1));
  }

  it("stripe: the webhook is lost -> the success return settles", async () => {
    faultsTried++;
    const { buyer, visitor, cart, reference, sessionId } = await openStripeCheckout("lost-webhook");
    await sandbox.fault({ kind: "webhook_drop", provider: "stripe", target: reference });
    const paid = await sandbox.control<{ redirectUrl: string }>("POST", `/_sandbox/stripe/sessions/${reference}/pay`);
    expect(paid.status).toBe(200);
    expect((await onlySession(buyer.id)).status).toBe("PENDING");

    const back = new URL(paid.body.redirectUrl);
    expect(back.pathname).toBe(`/checkout/${sessionId}/success`);
    const response = await getAs(servers[1], visitor, `${back.pathname}${back.search}`);
    expect([200, 303]).toContain(response.status);
    await response.arrayBuffer();
    await expectSettledOnce(buyer.id, cart);
    const deliveries = await sandbox.control<{ data: Array<{ status: string }> }>("GET", `/_sandbox/deliveries?target=${reference}`);
    expect(deliveries.body.data.map((d) => d.status)).toEqual(["dropped"]);
  });

  it("toss: the webhook is lost -> the success return confirms and settles", async () => {
    faultsTried++;
    const { buyer, visitor, cart, items } = await shopper("toss-lost-webhook", { currency: "KRW" });
    const response = await postCheckout(servers[1], visitor, items);
    await response.arrayBuffer();
    expect(response.status).toBe(303);
    const session = await onlySession(buyer.id);
    const orderId = session.payment!.providerReference!;
    await sandbox.fault({ kind: "webhook_drop", provider: "toss", target: orderId });
    const approved = await sandbox.control<{ redirectUrl: string }>("POST", `/_sandbox/toss/payments/${orderId}/approve`);
    expect(approved.status).toBe(200);
    const back = new URL(approved.body.redirectUrl);
    const returned = await getAs(servers[0], visitor, `${back.pathname}${back.search}`);
    expect([200, 303]).toContain(returned.status);
    await returned.arrayBuffer();
    await expectSettledOnce(buyer.id, cart);
  });

  it("stripe: webhook and return both lost -> the reconciliation jobs ask Stripe and settle it once; the late completed event changes nothing", async () => {
    faultsTried++;
    const { buyer, cart, reference, sessionId } = await openStripeCheckout("all-lost");
    await sandbox.fault({ kind: "webhook_drop", provider: "stripe", target: reference });
    expect((await sandbox.control("POST", `/_sandbox/stripe/sessions/${reference}/pay`)).status).toBe(200);

    await makeStaleAndWait([sessionId]);
    await expectSettledOnce(buyer.id, cart);

    const [dropped] = (await sandbox.control<{ data: Array<{ payload: unknown; eventType: string }> }>("GET", `/_sandbox/deliveries?target=${reference}`)).body.data;
    expect(dropped.eventType).toBe("checkout.session.completed");
    const late = await postStripeEvent(servers[1], JSON.stringify(dropped.payload), sandbox.keys.stripeWebhookSecret);
    expect(late.status).toBe(200);
    await late.arrayBuffer();
    await expectSettledOnce(buyer.id, cart);
  });

  it("stripe: a stale expired event after completed -> stays PAID", async () => {
    faultsTried++;
    const { buyer, cart, reference } = await openStripeCheckout("expired-after-completed");
    await sandbox.sendWebhooksTo("catcher");
    try {
      await sandbox.fault({ kind: "webhook_out_of_order", provider: "stripe", target: reference, gapMs: 50 });
      expect((await sandbox.control("POST", `/_sandbox/stripe/sessions/${reference}/pay`)).status).toBe(200);
      await sandbox.webhooksSettled();
    } finally {
      await sandbox.sendWebhooksTo(balancer);
    }
    const events = sandbox.caught.filter((hook) => hook.event.data?.object?.id === reference);
    const completed = events.find((hook) => hook.event.type === "checkout.session.completed");
    const expired = events.find((hook) => hook.event.type === "checkout.session.expired");
    expect(completed && expired).toBeTruthy();

    const first = await postStripeEvent(servers[0], completed!.body, sandbox.keys.stripeWebhookSecret);
    expect(first.status).toBe(200);
    const second = await postStripeEvent(servers[1], expired!.body, sandbox.keys.stripeWebhookSecret);
    expect(second.status).toBe(200);
    await Promise.all([first.arrayBuffer(), second.arrayBuffer()]);
    await expectSettledOnce(buyer.id, cart);
  });

  it("stripe: completed arrives after a stale expired event (the sandbox's out-of-order delivery) -> settles", async () => {
    faultsTried++;
    const { buyer, cart, reference } = await openStripeCheckout("completed-after-expired");
    await sandbox.fault({ kind: "webhook_out_of_order", provider: "stripe", target: reference, gapMs: 300 });
    expect((await sandbox.control("POST", `/_sandbox/stripe/sessions/${reference}/pay`)).status).toBe(200);
    // The stale expired event lands first and ends the session...
    await waitFor("the stale expired event", async () => ((await onlySession(buyer.id)).status !== "PENDING" ? true : undefined));
    await sandbox.webhooksSettled();
    const deliveries = (await sandbox.control<{ data: Array<{ eventType: string; status: string }> }>("GET", `/_sandbox/deliveries?target=${reference}`)).body.data;
    expect(deliveries.map((d) => `${d.eventType}:${d.status}`)).toEqual([
      "checkout.session.expired:succeeded",
      "checkout.session.completed:succeeded",
    ]);
    // ...and the completed payment that follows settles it.
    await expectSettledOnce(buyer.id, cart);
  });
});

describe("the database fails mid-checkout", () => {
  it("PostgreSQL connections killed during a burst of checkouts -> every session whole or absent, 503s that say to retry, and the servers keep serving", async () => {
    faultsTried++;
    const BUYERS = 24;
    const shoppers = await Promise.all(Array.from({ length: BUYERS }, (_, i) => shopper(`killed-connection-${i}`, { products: 3 })));
    // Slow provider answers keep requests in flight while connections die.
    await sandbox.fault({ kind: "create_slow", provider: "stripe", ms: 200, times: BUYERS * 3 });

    const killer = await sqlClient(database.url);
    let killed = 0;
    let stop = false;
    const killing = (async () => {
      const deadline = Date.now() + 20_000;
      while (!stop && Date.now() < deadline) {
        const { rows } = await killer.query(
          `SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
        );
        killed += rows.filter((row: { killed: boolean }) => row.killed).length;
        await sleep(30);
      }
    })();
    let answers: Array<{ status: number; text: string }>;
    try {
      answers = await mapLimit(shoppers, BUYERS, async (shop, i) => {
        await sleep(i * 15);
        const response = await postCheckout(servers[i % 2], shop.visitor, shop.items);
        return { status: response.status, text: visibleText(await response.text()) };
      });
    } finally {
      stop = true;
      await killing;
      await killer.end();
    }
    addFigures({ db_connections_killed: killed });
    expect(killed).toBeGreaterThan(0);

    const unexpected = answers.flatMap((answer, i) =>
      answer.status === 303 || (answer.status === 503 && /try again/i.test(answer.text)) ? [] : [`buyer ${i}: ${answer.status} ${answer.text.slice(0, 300)}`],
    );
    // Soft: whatever the answers were, the checks below still run and report.
    expect.soft(unexpected, "answers other than 303 or a 503 that says to retry").toEqual([]);

    // The servers are still up and serve again.
    for (const server of servers) {
      expect(server.running).toBe(true);
      await server.waitUntilHealthy(200, 10_000);
    }
    await sandbox.clearFaults();
    // Every shopper can check out now; one session each, whole.
    const retries = await mapLimit(shoppers, 6, async (shop, i) => {
      const response = await postCheckout(servers[(i + 1) % 2], shop.visitor, shop.items);
      await response.arrayBuffer();
      return response.status;
    });
    expect(retries).toEqual(shoppers.map(() => 303));
    for (const shop of shoppers) {
      const sessions = await sessionsOf(shop.buyer.id);
      expect(sessions.filter((s) => s.status === "PENDING")).toHaveLength(1);
      for (const session of sessions) {
        expect(session.orders).toHaveLength(3);
        expect(session.payment).not.toBeNull();
      }
    }
  });

  it("the database unreachable -> 503 pages that say to retry, no crash, and serving again once it is back", async () => {
    faultsTried++;
    const proxy = DatabaseProxy.forUrl(database.url);
    await proxy.listen();
    const server = new AppServer({
      name: "faults-db-proxy",
      env: { ...sandbox.serverEnv(), DATABASE_URL: proxy.urlThrough(database.url), RECONCILE_INTERVAL_SECONDS: "1" },
    });
    try {
      await server.start();
      const { visitor, items } = await shopper("database-down");
      const cut = server.logs().length;
      await proxy.cut();

      // Soft assertions: one run reports every page that does not answer 503.
      const home = await fetch(`${server.url}/`);
      expect.soft(home.status, "GET / with the database down").toBe(503);
      expect.soft(home.headers.get("Retry-After"), "Retry-After on GET /").toBeTruthy();
      expect.soft(visibleText(await home.text())).toMatch(/try again/i);
      const health = await fetch(`${server.url}/healthz`);
      expect.soft(health.status, "GET /healthz with the database down").toBe(503);
      await health.arrayBuffer();
      const checkout = await postCheckout(server, visitor, items);
      expect.soft(checkout.status, "POST /cart checkout with the database down").toBe(503);
      expect.soft(visibleText(await checkout.text())).toMatch(/try again/i);
      // Two reconciliation runs fail against the missing database; the process stays up.
      await server.waitForLines('"reconcile_failed"', 2, cut);
      expect(server.running).toBe(true);

      await proxy.restore();
      await server.waitUntilHealthy(200, 15_000);
      const again = await fetch(`${server.url}/`);
      expect(again.status).toBe(200);
      await again.arrayBuffer();
      const retried = await postCheckout(server, visitor, items);
      await retried.arrayBuffer();
      expect(retried.status).toBe(303);
    } finally {
      await server.stop();
      await proxy.cut();
    }
  });
});

describe("the app server is killed between its commit and the provider call", () => {
  /** Posts a checkout to `server`, waits until its session is committed, and kills the server with SIGKILL mid provider call. */
  async function killMidCheckout(server: AppServer, shop: Awaited<ReturnType<typeof shopper>>) {
    await sandbox.fault({ kind: "create_hang", provider: "stripe", ms: 10_000, times: 1 });
    const inFlight = postCheckout(server, shop.visitor, shop.items).then(
      (response) => `answered ${response.status}`,
      () => "connection dropped",
    );
    await waitFor("the committed session", async () => ((await sessionsOf(shop.buyer.id)).length > 0 ? true : undefined), {
      timeoutMs: PROVIDER_TIMEOUT_MS - 200,
      everyMs: 10,
    });
    await server.kill9();
    expect(await inFlight).toBe("connection dropped");
    await sandbox.clearFaults();
    const session = await onlySession(shop.buyer.id);
    expectStatuses(session, "PENDING");
    expect(session.checkoutUrl).toBeNull();
    expect(session.payment?.providerReference).toBeNull();
    expect(session.orders).toHaveLength(2);
    await server.start();
    return session;
  }

  it("the shopper's identical post after the restart reuses the session and opens one provider checkout", async () => {
    faultsTried++;
    const shop = await shopper("killed-server-retry");
    const stuck = await killMidCheckout(servers[1], shop);

    // Stripe may still be running the killed server's request (the sandbox holds
    // it for 10 s), and with it the checkout's idempotency key: until it ends,
    // a post says the page is being prepared.
    const response = await waitFor("a post that opens the payment page", async () => {
      const answer = await postCheckout(servers[1], shop.visitor, shop.items);
      const text = await answer.text();
      if (answer.status === 202) expect(text).toMatch(/still being prepared/);
      else expect(answer.status).toBe(303);
      return answer.status === 303 ? answer : undefined;
    }, { timeoutMs: 20_000, everyMs: 250 });
    const reference = stripeSessionIdOf(response.headers.get("Location"));
    const session = await onlySession(shop.buyer.id);
    expect(session.id).toBe(stuck.id);
    expect(session.checkoutUrl).toBe(response.headers.get("Location"));
    expect(session.payment?.providerReference).toBe(reference);
  });

  it("left alone, the session expires cleanly and the shopper can check out again", async () => {
    faultsTried++;
    const shop = await shopper("killed-server-expiry");
    const stuck = await killMidCheckout(servers[0], shop);

    await makeStaleAndWait([stuck.id]);
    expectStatuses(await onlySession(shop.buyer.id), "EXPIRED");

    const response = await postCheckout(servers[0], shop.visitor, shop.items);
    await response.arrayBuffer();
    expect(response.status).toBe(303);
    const sessions = await sessionsOf(shop.buyer.id);
    expect(sessions.map((s) => s.status)).toEqual(["EXPIRED", "PENDING"]);
  });
});

describe("after every fault", () => {
  it("no session is half-written: each has all its orders and its payment, and they agree with it", async () => {
    const sql = await sqlClient(database.url);
    try {
      const { rows: half } = await sql.query<{ id: string }>(`
        SELECT s.id FROM checkout_sessions s
         WHERE NOT EXISTS (SELECT 1 FROM payments p WHERE p.checkout_session_id = s.id AND p.amount = s.total)
            OR s.total <> COALESCE((SELECT sum(o.amount) FROM orders o WHERE o.checkout_session_id = s.id), -1)`);
      const { rows: orphans } = await sql.query(`
        SELECT o.id FROM orders o LEFT JOIN checkout_sessions s ON s.id = o.checkout_session_id WHERE s.id IS NULL
        UNION ALL
        SELECT p.id FROM payments p LEFT JOIN checkout_sessions s ON s.id = p.checkout_session_id WHERE s.id IS NULL`);
      const { rows: disagreeing } = await sql.query(`
        SELECT s.id, s.status::text AS session, o.status::text AS order, p.status::text AS payment
          FROM checkout_sessions s
          JOIN orders o ON o.checkout_session_id = s.id
          JOIN payments p ON p.checkout_session_id = s.id
         WHERE o.status::text <> s.status::text
            OR p.status::text <> CASE s.status::text WHEN 'PAID' THEN 'SUCCEEDED' ELSE s.status::text END`);
      const { rows: total } = await sql.query<{ count: string }>(`SELECT count(*) FROM checkout_sessions`);
      addFigures({ rows_half_written: half.length + orphans.length, sessions_checked_after_faults: Number(total[0].count) });
      expect(half).toEqual([]);
      expect(orphans).toEqual([]);
      expect(disagreeing).toEqual([]);
    } finally {
      await sql.end();
    }
  });
});
