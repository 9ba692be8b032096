import { describe, expect, it } from "vitest";
import { db } from "~/db.server";
import type { Visitor } from "../support/requests";
import { createProducts, createUser, itemsOf, visitorFor } from "../support/shop";
import { addFigures } from "./figures";
import {
  backdateExpiry,
  getAs,
  mapLimit,
  postCheckout,
  postStripeEvent,
  shuffle,
  stripeSessionIdOf,
  useShop,
  waitFor,
  type AppServer,
  type Sandbox,
  type ScratchDatabase,
} from "./harness";

// Two app servers (separate processes, separate ports) on one PostgreSQL
// database, with the payment sandbox: what one shopper or one provider does
// twice, or two servers do at once, happens once.

let database: ScratchDatabase;
let sandbox: Sandbox;
let servers: AppServer[];

useShop(
  "concurrency",
  { webhooks: "catcher", env: { RECONCILE_INTERVAL_SECONDS: "1", CHECKOUT_POSTS_PER_MINUTE: "1000", PROVIDER_TIMEOUT_MS: "10000" } },
  (shop) => ({ database, sandbox, servers } = shop),
);


/** The cart action's message in a rendered page (its actionData), for failure messages. */
function actionMessage(html: string): string {
  const match = html.match(/"actionData":(\{.*?\})\}?,"errors"/) ?? html.match(/"problems":\[[^\]]*\]/);
  return (match?.[0] ?? html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ")).slice(0, 400);
}

const serverFor = (i: number) => servers[i % servers.length];

async function sessionOfStripeReference(reference: string) {
  const payment = await db().payment.findFirstOrThrow({ where: { providerReference: reference }, select: { checkoutSessionId: true } });
  return payment.checkoutSessionId;
}

describe("two servers, one database", () => {
  it("settles 20 paid sessions exactly once under 200 duplicated, concurrent webhooks to both servers and their success returns", async () => {
    const BUYERS = 20;
    const COPIES = 10; // 20 events x 10 = 200 deliveries
    const products = await createProducts(6, { price: 1500 });
    const before = new Map(products.map((p) => [p.id, p.downloadCount]));

    // Each buyer takes 3 of the 6 products, so carts overlap and settlements
    // of different sessions update the same product rows at once.
    const shoppers: Array<{ visitor: Visitor; buyerId: string; cart: typeof products; sessionId: string; reference: string }> = [];
    await sandbox.sendWebhooksTo("catcher");
    await mapLimit(
      Array.from({ length: BUYERS }, (_, i) => i),
      5,
      async (i) => {
        const buyer = await createUser(`concurrent-buyer-${i}`);
        const visitor = await visitorFor(buyer);
        const cart = [0, 1, 2].map((k) => products[(i + k * 2) % products.length]);
        const response = await postCheckout(serverFor(i), visitor, itemsOf(cart));
        await response.arrayBuffer();
        expect(response.status, `checkout post of buyer ${i}`).toBe(303);
        const reference = stripeSessionIdOf(response.headers.get("Location"));
        shoppers.push({ visitor, buyerId: buyer.id, cart, reference, sessionId: await sessionOfStripeReference(reference) });
      },
    );

    // Every buyer pays; the sandbox's signed checkout.session.completed events
    // are caught instead of delivered, so they can be delivered 200 times.
    for (const shopper of shoppers) {
      const paid = await sandbox.control("POST", `/_sandbox/stripe/sessions/${shopper.reference}/pay`);
      expect(paid.status).toBe(200);
    }
    await sandbox.webhooksSettled();
    const completed = sandbox.caught.filter((hook) => hook.event.type === "checkout.session.completed");
    expect(new Set(completed.map((hook) => hook.event.data?.object?.id))).toEqual(new Set(shoppers.map((s) => s.reference)));

    const deliveries = shuffle(completed.flatMap((hook) => Array.from({ length: COPIES }, () => hook)));
    const returns = shuffle(shoppers.flatMap((shopper) => servers.map((server) => ({ server, shopper }))));
    const webhookStatuses: number[] = [];
    const returnStatuses: number[] = [];
    await Promise.all([
      mapLimit(deliveries, 24, async (hook, i) => {
        const response = await postStripeEvent(serverFor(i), hook.body, sandbox.keys.stripeWebhookSecret);
        await response.arrayBuffer();
        webhookStatuses.push(response.status);
      }),
      mapLimit(returns, 8, async ({ server, shopper }) => {
        const response = await getAs(server, shopper.visitor, `/checkout/${shopper.sessionId}/success?session_id=${shopper.reference}`);
        await response.arrayBuffer();
        returnStatuses.push(response.status);
      }),
    ]);
    expect(webhookStatuses).toHaveLength(BUYERS * COPIES);
    expect(webhookStatuses.filter((status) => status !== 200)).toEqual([]);
    expect(returnStatuses.filter((status) => status !== 200 && status !== 303)).toEqual([]);

    // Effects, once each.
    let extraEffects = 0;
    for (const shopper of shoppers) {
      const session = await db().checkoutSession.findUniqueOrThrow({
        where: { id: shopper.sessionId },
        include: { orders: true, payment: true },
      });
      expect(session.status).toBe("PAID");
      expect(session.orders.map((order) => order.status)).toEqual(["PAID", "PAID", "PAID"]);
      expect(session.payment?.status).toBe("SUCCEEDED");
      const entitlements = await db().entitlement.findMany({ where: { userId: shopper.buyerId } });
      expect(entitlements.map((e) => e.productId).sort()).toEqual(shopper.cart.map((p) => p.id).sort());
      extraEffects += entitlements.length - shopper.cart.length;
      const sessions = await db().checkoutSession.count({ where: { buyerId: shopper.buyerId } });
      extraEffects += sessions - 1;
    }
    const sales = new Map<string, number>();
    for (const shopper of shoppers) for (const product of shopper.cart) sales.set(product.id, (sales.get(product.id) ?? 0) + 1);
    const after = await db().product.findMany({ where: { id: { in: products.map((p) => p.id) } } });
    for (const product of after) {
      const increase = product.downloadCount - (before.get(product.id) ?? 0);
      expect(increase, `download_count of ${product.title}`).toBe(sales.get(product.id) ?? 0);
      extraEffects += Math.abs(increase - (sales.get(product.id) ?? 0));
    }
    const inbox = await db().webhookEvent.groupBy({
      by: ["eventId"],
      where: { eventId: { in: completed.map((hook) => hook.event.id ?? "") } },
      _count: { _all: true },
    });
    expect(inbox).toHaveLength(BUYERS);
    for (const row of inbox) {
      expect(row._count._all).toBe(1);
      extraEffects += row._count._all - 1;
    }
    const receipts = await db().checkoutSession.findMany({
      where: { id: { in: shoppers.map((s) => s.sessionId) } },
      select: { receiptNumber: true },
    });
    expect(new Set(receipts.map((r) => r.receiptNumber)).size).toBe(BUYERS);

    addFigures({ sessions_settled: BUYERS, duplicate_deliveries: deliveries.length - completed.length, extra_effects: extraEffects });
    expect(extraEffects).toBe(0);
  });

  it("answers 50 identical checkout posts spread over both servers with one session and one provider checkout", async () => {
    const POSTS = 50;
    const buyer = await createUser("double-clicker");
    const visitor = await visitorFor(buyer);
    const products = await createProducts(3, { price: 2500 });
    const items = itemsOf(products);

    const responses = await Promise.all(
      Array.from({ length: POSTS }, async (_, i) => {
        const response = await postCheckout(serverFor(i), visitor, items);
        const text = await response.text();
        const problem = response.status === 303 ? null : `post ${i}: ${response.status} ${actionMessage(text)}`;
        return { status: response.status, location: response.headers.get("Location"), problem };
      }),
    );
    const sessions = await db().checkoutSession.findMany({ where: { buyerId: buyer.id }, include: { orders: true, payment: true } });
    addFigures({ concurrent_posts: POSTS, sessions_created_by_concurrent_posts: sessions.length });

    expect(responses.flatMap((r) => (r.problem ? [r.problem] : []))).toEqual([]);
    const locations = new Set(responses.map((r) => r.location));
    expect(locations.size).toBe(1);
    const reference = stripeSessionIdOf([...locations][0]);
    expect(sessions).toHaveLength(1);
    expect(sessions[0].orders).toHaveLength(3);
    expect(sessions[0].payment?.providerReference).toBe(reference);
    expect(sessions[0].checkoutUrl).toBe([...locations][0]);
    // The sandbox holds that one Checkout Session, open, for the whole cart.
    const stripeSession = await fetch(`${sandbox.url}/v1/checkout/sessions/${reference}`, {
      headers: { Authorization: `Bearer ${sandbox.keys.stripeSecretKey}` },
    }).then((r) => r.json() as Promise<{ status: string; amount_total: number; client_reference_id: string }>);
    expect(stripeSession).toMatchObject({ status: "open", amount_total: sessions[0].total, client_reference_id: sessions[0].id });
  });

  it("expires each stale session once, at Stripe and here, while the reconciliation jobs of both servers run at once", async () => {
    const STALE = 30;
    const products = await createProducts(2, { price: 900 });
    const sessionIds: string[] = [];
    await mapLimit(
      Array.from({ length: STALE }, (_, i) => i),
      6,
      async (i) => {
        const buyer = await createUser(`abandoner-${i}`);
        const response = await postCheckout(serverFor(i), await visitorFor(buyer), itemsOf(products));
        await response.arrayBuffer();
        expect(response.status).toBe(303);
        sessionIds.push(await sessionOfStripeReference(stripeSessionIdOf(response.headers.get("Location"))));
      },
    );
    // Both servers tick every second and log each run; a run of each that
    // started after these sessions were opened has taken any older stale
    // rows, so the counts below are about these sessions only.
    const opened = servers.map((server) => server.logs().length);
    await Promise.all(servers.map((server, i) => server.waitForLines('"checkouts_reconciled"', 2, opened[i])));
    const marks = servers.map((server) => server.logs().length);

    await backdateExpiry(database.url, sessionIds);
    await waitFor(
      "every stale session EXPIRED",
      async () => ((await db().checkoutSession.count({ where: { id: { in: sessionIds }, status: "EXPIRED" } })) === STALE ? true : undefined),
      { timeoutMs: 15_000, everyMs: 100 },
    );
    // Two more runs of each server: nothing left to expire, nothing expired twice.
    const settled = servers.map((server) => server.logs().length);
    await Promise.all(servers.map((server, i) => server.waitForLines('"checkouts_reconciled"', 2, settled[i])));

    const logged = servers.flatMap((server, i) =>
      server
        .logsSince(marks[i])
        .split("\n")
        .filter((line) => line.includes('"checkouts_reconciled"') || line.includes('"reconcile_failed"'))
        .map((line) => JSON.parse(line.slice(line.indexOf("{"))) as { event: string; expired?: number; checked?: number }),
    );
    expect(logged.filter((entry) => entry.event === "reconcile_failed")).toEqual([]);
    expect(logged.reduce((sum, entry) => sum + (entry.expired ?? 0), 0)).toBe(STALE);
    expect(logged.reduce((sum, entry) => sum + (entry.checked ?? 0), 0)).toBe(STALE);

    const sessions = await db().checkoutSession.findMany({ where: { id: { in: sessionIds } }, include: { orders: true, payment: true } });
    for (const session of sessions) {
      expect(session.status).toBe("EXPIRED");
      expect(session.orders.map((order) => order.status)).toEqual(["EXPIRED", "EXPIRED"]);
      expect(session.payment?.status).toBe("EXPIRED");
      expect((await sandbox.stripeSessionsOf(session.id)).map((s) => s.status)).toEqual(["expired"]);
    }
    expect(await db().checkoutSession.count({ where: { status: "PENDING", expiresAt: { lte: new Date() } } })).toBe(0);
  });
});
