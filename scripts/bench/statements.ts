// SQL statements per request, counted at the pg driver while the app's route
// modules answer in this process: a first checkout post, a post for a changed
// cart (which ends the open checkout first), the webhook settlement and the
// success page, for each cart size.
import { app } from "./in-process";
import { itemsJson, nextCart, type Shopper } from "./shoppers";
import { paidEvent } from "./shoppers";
import { APP, SIZES } from "./settings";

export interface StatementCounts {
  size: number;
  checkout: number;
  changedCart: number;
  settlement: number;
  successPage: number;
}

async function answer(run: () => Promise<unknown>): Promise<Response> {
  try {
    return (await run()) as Response;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

export async function countStatements(shoppers: Shopper[]): Promise<StatementCounts[]> {
  const { cart, webhook, success, database, stripe } = await app();
  const { installSqlCounter } = await import("./sql-counter");
  const counter = installSqlCounter();

  const post = (shopper: Shopper, size: number) => {
    const request = new Request(`${APP}/cart`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: shopper.cookie },
      body: new URLSearchParams({ csrf: shopper.csrf, intent: "checkout", items: itemsJson(nextCart(shopper.lane, size)) }),
    });
    return counter.measure(() => answer(() => cart.action({ request, params: {}, context: {} })));
  };

  async function once(shopper: Shopper, size: number): Promise<StatementCounts> {
    const posted = await post(shopper, size);
    if (posted.result.status !== 303) throw new Error(`checkout answered ${posted.result.status}`);
    const changed = await post(shopper, size);
    if (changed.result.status !== 303) throw new Error(`the changed cart's checkout answered ${changed.result.status}`);
    const session = await database.db().checkoutSession.findFirstOrThrow({
      where: { buyerId: shopper.id, status: "PENDING" },
      select: { id: true, total: true, payment: { select: { providerReference: true } } },
    });
    const { body, signature } = paidEvent({ id: session.id, total: session.total, reference: session.payment!.providerReference! }, stripe.STRIPE_API_VERSION);
    const hook = new Request(`${APP}/webhooks/stripe`, { method: "POST", headers: { "Content-Type": "application/json", "Stripe-Signature": signature }, body });
    const settled = await counter.measure(() => answer(() => webhook.action({ request: hook, params: {}, context: {} })));
    if (settled.result.status !== 200) throw new Error(`webhook answered ${settled.result.status}`);
    const page = new Request(`${APP}/checkout/${session.id}/success`, { headers: { Cookie: shopper.cookie } });
    const shown = await counter.measure(() => answer(() => success.loader({ request: page, params: { sessionId: session.id }, context: {} })));
    if (shown.result.status !== 200) throw new Error(`success page answered ${shown.result.status}`);
    if (process.env.BENCH_SHOW_SQL) {
      const lists = [["checkout", posted.statements], ["changed cart", changed.statements], ["settlement", settled.statements], ["success page", shown.statements]] as const;
      for (const [what, list] of lists) {
        console.log(`-- ${what}, ${size} product(s): ${list.length} statements`);
        for (const sql of list) console.log(`   ${sql.slice(0, 160)}`);
      }
    }
    return {
      size,
      checkout: posted.statements.length,
      changedCart: changed.statements.length,
      settlement: settled.statements.length,
      successPage: shown.statements.length,
    };
  }

  try {
    await once(shoppers[0], 2); // warm-up: pool connections, Prisma's query plans
    const counts: StatementCounts[] = [];
    for (const [i, size] of SIZES.entries()) counts.push(await once(shoppers[i + 1], size));
    return counts;
  } finally {
    counter.uninstall();
    await database.closeDatabase();
  }
}
