import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { db } from "~/db.server";
import { Visitor } from "../support/requests";
import { createProducts, itemsOf } from "../support/shop";
import { SANDBOX_KEYS, sandboxKeys, tossAuthorization } from "../support/sandbox";
import {
  LOG_DIR,
  getAs,
  postCheckout,
  takePageToken,
  postStripeEvent,
  stripeSessionIdOf,
  useShop,
  waitFor,
  type AppServer,
  type Sandbox,
} from "./harness";

// A full run of the shop through two server processes, with secrets that
// appear nowhere else, then every line those processes wrote is searched for
// them. The session secret must be the same in this process (which signs the
// test's cookies) and in the servers, so it is set before anything reads it.
const secrets = vi.hoisted(() => {
  const tag = () => Math.random().toString(36).slice(2, 12);
  const values = {
    SESSION_SECRET: `logscan-session-secret-${tag()}-${tag()}-${tag()}`,
    KEYS_LABEL: `logscan_${tag()}${tag()}`,
    PASSWORD: `correct-horse-${tag()}`,
    WRONG_PASSWORD: `wrong-battery-${tag()}`,
  };
  process.env.SESSION_SECRET = values.SESSION_SECRET;
  return values;
});

/** Provider keys of the sandbox's shape that appear nowhere else. */
const KEYS = sandboxKeys(secrets.KEYS_LABEL);
const CARD_NUMBER = "4242424242424242";

let sandbox: Sandbox;
let servers: AppServer[];

useShop(
  "logs",
  { keys: KEYS, env: { SESSION_SECRET: secrets.SESSION_SECRET, RECONCILE_INTERVAL_SECONDS: "1", PROVIDER_TIMEOUT_MS: "1500" } },
  (shop) => ({ sandbox, servers } = shop),
);


function form(visitor: Visitor, fields: Record<string, string>) {
  return {
    method: "POST",
    redirect: "manual" as const,
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: visitor.cookieHeader() },
    body: new URLSearchParams({ csrf: visitor.csrfToken, ...fields }),
  };
}

/** The credentials in Toss's Authorization header for `secretKey`, without the scheme. */
const basicCredentials = (secretKey: string) => tossAuthorization(secretKey).replace(/^Basic /, "");

/** Everything a log must never hold, by name. */
function forbiddenValues(sessionCookie: string, paymentKey: string): Record<string, string> {
  return {
    STRIPE_SECRET_KEY: KEYS.stripeSecretKey,
    STRIPE_WEBHOOK_SECRET: KEYS.stripeWebhookSecret,
    TOSS_SECRET_KEY: KEYS.tossSecretKey,
    SESSION_SECRET: secrets.SESSION_SECRET,
    "the user's password": secrets.PASSWORD,
    "a mistyped password": secrets.WRONG_PASSWORD,
    "the test card number": CARD_NUMBER,
    "the Toss Authorization header value": basicCredentials(KEYS.tossSecretKey),
    "the session cookie": sessionCookie,
    "a Toss paymentKey (it was in the return URL's query)": paymentKey,
  };
}

const AUTHORIZATION_HEADER = /authorization["']?\s*[:=]\s*["']?\s*(bearer|basic)\s+\S+/i;

describe("logs of a full run", () => {
  it("hold no secret, password, card number, session cookie, Toss paymentKey or Authorization header value", async () => {
    const [a, b] = servers;
    const email = `logscan-${randomBytes(4).toString("hex")}@example.test`;

    // Sign up in one browser; in another, fail a login, then log in.
    const newcomer = await Visitor.start();
    const signup = await fetch(`${a.url}/signup`, form(newcomer, { email, password: secrets.PASSWORD, displayName: "Log Scanner", redirectTo: "/" }));
    expect(signup.status).toBe(303);
    await signup.arrayBuffer();
    const visitor = await Visitor.start();
    const failed = await fetch(`${b.url}/login`, form(visitor, { email, password: secrets.WRONG_PASSWORD, redirectTo: "/" }));
    expect(failed.status).toBe(401);
    await failed.arrayBuffer();
    const login = await fetch(`${b.url}/login`, form(visitor, { email, password: secrets.PASSWORD, redirectTo: "/cart" }));
    expect(login.status).toBe(303);
    visitor.absorb(login);
    await takePageToken(b.url, visitor);
    const sessionCookie = visitor.cookieHeader().match(/__session=([^;]+)/)?.[1] ?? "";
    expect(sessionCookie.length).toBeGreaterThan(20);
    const buyer = await db().user.findUniqueOrThrow({ where: { email } });

    // Stripe: a provider failure, then a checkout paid with duplicated webhooks, returned to, refunded.
    const usd = await createProducts(2, { price: 1900 });
    await sandbox.fault({ kind: "create_error", provider: "stripe", status: 500, times: 1 });
    const refused = await postCheckout(a, visitor, itemsOf(usd));
    expect(refused.status).toBe(502);
    await refused.arrayBuffer();
    const opened = await postCheckout(a, visitor, itemsOf(usd));
    expect(opened.status).toBe(303);
    await opened.arrayBuffer();
    const reference = stripeSessionIdOf(opened.headers.get("Location"));
    await sandbox.fault({ kind: "webhook_duplicate", provider: "stripe", target: reference, count: 3 });
    const paid = await sandbox.control<{ redirectUrl: string }>("POST", `/_sandbox/stripe/sessions/${reference}/pay`);
    expect(paid.status).toBe(200);
    const back = new URL(paid.body.redirectUrl);
    await (await getAs(b, visitor, `${back.pathname}${back.search}`)).arrayBuffer();
    await sandbox.webhooksSettled();
    // A forged webhook (signed with another secret) and a tampered one are refused.
    const event = JSON.stringify({ id: "evt_forged", object: "event", type: "checkout.session.completed", data: { object: { id: reference } } });
    const forged = await postStripeEvent(a, event, "whsec_not_the_secret");
    expect(forged.status).toBe(400);
    await forged.arrayBuffer();
    expect((await sandbox.control("POST", `/_sandbox/stripe/sessions/${reference}/refund`)).status).toBe(200);
    await sandbox.webhooksSettled();
    await waitFor("the refund", async () =>
      (await db().checkoutSession.findFirst({ where: { buyerId: buyer.id, status: "REFUNDED" } })) ? true : undefined,
    );

    // Toss: a checkout approved in the window, confirmed on return (Basic auth), then its webhook.
    const krw = await createProducts(2, { currency: "KRW", price: 12000 });
    const toss = await postCheckout(b, visitor, itemsOf(krw));
    expect(toss.status).toBe(303);
    await toss.arrayBuffer();
    const tossSession = await db().checkoutSession.findFirstOrThrow({ where: { buyerId: buyer.id, currency: "KRW" }, include: { payment: true } });
    const approved = await sandbox.control<{ redirectUrl: string }>("POST", `/_sandbox/toss/payments/${tossSession.payment!.providerReference}/approve`);
    expect(approved.status).toBe(200);
    const tossBack = new URL(approved.body.redirectUrl);
    const paymentKey = tossBack.searchParams.get("paymentKey") ?? "";
    expect(paymentKey.length).toBeGreaterThan(10);
    await (await getAs(a, visitor, `${tossBack.pathname}${tossBack.search}`)).arrayBuffer();
    await sandbox.webhooksSettled();
    expect((await db().checkoutSession.findUniqueOrThrow({ where: { id: tossSession.id } })).status).toBe("PAID");

    // Library and receipt pages, then the servers stop so every line is flushed.
    await (await getAs(a, visitor, "/account/purchases")).arrayBuffer();
    await (await getAs(b, visitor, `/checkout/${tossSession.id}/receipt`)).arrayBuffer();
    await Promise.all(servers.map((server) => server.stop()));

    const logs = servers.map((server) => ({ name: server.name, text: server.logs() }));
    expect(logs.every((log) => log.text.length > 0)).toBe(true);
    const found: string[] = [];
    for (const log of logs) {
      for (const [what, value] of Object.entries(forbiddenValues(sessionCookie, paymentKey))) {
        if (value && log.text.includes(value)) found.push(`${log.name} logged ${what}`);
      }
      if (AUTHORIZATION_HEADER.test(log.text)) found.push(`${log.name} logged an Authorization header value`);
    }
    expect(found).toEqual([]);
  });

  it("no log file of the suite's servers holds a sandbox key, the test card number or an Authorization header value", () => {
    const files = fs.existsSync(LOG_DIR) ? fs.readdirSync(LOG_DIR).filter((name) => name.endsWith(".log")) : [];
    expect(files.length).toBeGreaterThan(0);
    const sandboxBasic = basicCredentials(SANDBOX_KEYS.tossSecretKey);
    const found: string[] = [];
    for (const name of files) {
      const text = fs.readFileSync(path.join(LOG_DIR, name), "utf8");
      for (const value of [SANDBOX_KEYS.stripeSecretKey, SANDBOX_KEYS.stripeWebhookSecret, SANDBOX_KEYS.tossSecretKey, sandboxBasic, CARD_NUMBER]) {
        if (text.includes(value)) found.push(`${name} holds ${value}`);
      }
      if (AUTHORIZATION_HEADER.test(text)) found.push(`${name} holds an Authorization header value`);
    }
    expect(found).toEqual([]);
  });
});
