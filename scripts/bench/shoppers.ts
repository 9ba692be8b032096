// Who posts the checkouts: product pools ("lanes"), shoppers created straight
// in the database, each logged in through a login session the app's own code
// makes (its cookie and its CSRF token), and the carts and webhook events they send.
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { signStripeEvent, stripeEventBody } from "../../tests/support/stripe-events";
import { app } from "./in-process";
import { LANES, POOL_PER_LANE, WEBHOOK_SECRET } from "./settings";

export interface Product {
  id: string;
  price: number;
  title: string;
}

export interface Lane {
  products: Product[];
  /** Per cart size, how many carts of that size were drawn from this lane. */
  turns: Map<number, number>;
}

export interface Shopper {
  id: string;
  lane: Lane;
  cookie: string;
  csrf: string;
}

/** LANES pools of POOL_PER_LANE published USD products, from one seller. */
export async function createLanes(pool: pg.Pool, label: string): Promise<Lane[]> {
  const tag = `${label}-${randomUUID().slice(0, 8)}`;
  const { rows: [seller] } = await pool.query(
    `INSERT INTO users (email, password_hash, display_name, is_seller) VALUES ($1, 'not-a-login', 'Bench seller', true) RETURNING id`,
    [`seller-${tag}@bench.test`],
  );
  const { rows } = await pool.query<Product>(
    `INSERT INTO products (slug, title, summary, description, kind, price, currency, verification_level, seller_id, published)
     SELECT $1 || '-' || lane || '-' || n, 'Bench product ' || lane || '.' || n, 'Made by the benchmark.', 'Made by the benchmark.',
            'DATASET', 500 + n, 'USD', 'VERIFIED', $2::uuid, true
       FROM generate_series(0, $3::int - 1) AS lane, generate_series(1, $4::int) AS n
     RETURNING id, price, title`,
    [`bench-${tag}`, seller.id, LANES, POOL_PER_LANE],
  );
  const laneOf = (title: string) => Number(/^Bench product (\d+)\./.exec(title)![1]);
  return Array.from({ length: LANES }, (_, lane) => ({
    products: rows.filter((row) => laneOf(row.title) === lane),
    turns: new Map(),
  }));
}

/** A cart of `size` products of the lane that the lane has not handed out for this size yet. */
export function nextCart(lane: Lane, size: number): Product[] {
  const turn = lane.turns.get(size) ?? 0;
  lane.turns.set(size, turn + 1);
  const start = (turn * size) % lane.products.length;
  return Array.from({ length: size }, (_, i) => lane.products[(start + i) % lane.products.length]);
}

export function itemsJson(products: Product[]) {
  return JSON.stringify(products.map((p) => ({ id: p.id, price: p.price, currency: "USD" })));
}

/**
 * `count` shoppers with no checkout yet, shopper i drawing from lane i. Each
 * holds the session and CSRF cookies the app would set at login, signed by
 * the app's own code with the server's secret.
 */
export async function createShoppers(pool: pg.Pool, lanes: Lane[], label: string, count: number): Promise<Shopper[]> {
  const tag = `${label}-${randomUUID().slice(0, 8)}`;
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO users (email, password_hash, display_name)
     SELECT $1 || '-' || n || '@bench.test', 'not-a-login', 'Bench shopper ' || n FROM generate_series(1, $2::int) AS n
     RETURNING id`,
    [tag, count],
  );
  const { session } = await app();
  const shoppers: Shopper[] = [];
  for (const [i, row] of rows.entries()) {
    const csrf = randomUUID();
    const sessionCookie = (await session.startLoginSession(row.id, csrf)).split(";")[0];
    shoppers.push({ id: row.id, lane: lanes[i % lanes.length], csrf, cookie: sessionCookie });
  }
  return shoppers;
}

/** A `checkout.session.completed` event as the sandbox (and Stripe) sends it for a paid checkout. */
export function paidEvent(session: { id: string; total: number; reference: string }, apiVersion: string) {
  const body = stripeEventBody({
    id: `evt_bench_${session.id.replace(/-/g, "")}`,
    type: "checkout.session.completed",
    apiVersion,
    object: {
      id: session.reference,
      object: "checkout.session",
      mode: "payment",
      status: "complete",
      payment_status: "paid",
      amount_total: session.total,
      currency: "usd",
      payment_intent: `pi_bench_${session.id.replace(/-/g, "")}`,
      client_reference_id: session.id,
      metadata: { checkout_session_id: session.id },
    },
  });
  return { body, signature: signStripeEvent(body, { secret: WEBHOOK_SECRET }) };
}
