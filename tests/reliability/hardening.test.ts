import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { LOGIN_ATTEMPTS } from "~/services/web/auth.server";
import { Visitor } from "../support/requests";
import { SANDBOX_KEYS } from "../support/sandbox";
import { createProducts, createUser, itemsOf, visitorFor } from "../support/shop";
import { appServer, getAs, postCheckout, runToExit, useShop, type AppServer, type Sandbox, type ScratchDatabase } from "./harness";

// The edges: headers, cookies, limits shared by every server, and a production
// configuration that refuses to run against the sandbox.

let scratch: ScratchDatabase;
let sandbox: Sandbox;
const servers: AppServer[] = [];

// The database and the sandbox; each test starts the servers it needs.
useShop("hardening", { servers: 0, webhooks: null }, (shop) => ({ database: scratch, sandbox } = shop));

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
});

async function server(name: string, env: Record<string, string> = {}) {
  const started = appServer(name, { DATABASE_URL: scratch.url, RECONCILE_INTERVAL_SECONDS: "0", ...sandbox.serverEnv(), ...env });
  servers.push(started);
  await started.start();
  return started;
}

const PRODUCTION = {
  APP_ENV: "production",
  SESSION_SECRET: "reliability-suite-production-session-secret-0123456789",
  STRIPE_SECRET_KEY: "sk_live_reliability",
  STRIPE_WEBHOOK_SECRET: "whsec_reliability",
  TOSS_SECRET_KEY: "live_sk_reliability",
  TOSS_CLIENT_KEY: "live_ck_reliability",
  STRIPE_API_BASE: "",
  TOSS_API_BASE: "",
  TOSS_SDK_URL: "",
};

describe("hardened edges", () => {
  it("sends a Content-Security-Policy whose per-response nonce is on every script, and the other security headers", async () => {
    const app = await server("headers");
    const first = await fetch(`${app.url}/`);
    const html = await first.text();
    const csp = first.headers.get("Content-Security-Policy") ?? "";
    const nonce = csp.match(/'nonce-([^']+)'/)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain("unsafe-inline");
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((match) => match[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) if (!/\bsrc=/.test(tag)) expect(tag).toContain(`nonce="${nonce}"`);
    expect(first.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(first.headers.get("Referrer-Policy")).toBe("strict-origin-when-cross-origin");
    expect(first.headers.get("X-Frame-Options")).toBe("DENY");

    const second = await fetch(`${app.url}/`);
    await second.arrayBuffer();
    expect(second.headers.get("Content-Security-Policy")).not.toBe(csp);

    const data = await fetch(`${app.url}/?_data=root`);
    await data.arrayBuffer();
    expect(data.headers.get("X-Content-Type-Options")).toBe("nosniff");
  });

  it("marks the session and CSRF cookies HttpOnly and SameSite=Lax, and Secure in production, where every answer asks for HTTPS", async () => {
    const app = await server("production-cookies", PRODUCTION);
    const page = await fetch(`${app.url}/signup`);
    const html = await page.text();
    const csrfCookie = page.headers.getSetCookie().find((c) => c.startsWith("csrf="))!;
    expect(csrfCookie).toMatch(/HttpOnly/);
    expect(csrfCookie).toMatch(/SameSite=Lax/);
    expect(csrfCookie).toMatch(/Secure/);

    const token = html.match(/name="csrf" value="([^"]+)"/)![1];
    const signup = await fetch(`${app.url}/signup`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: csrfCookie.split(";")[0] },
      body: new URLSearchParams({ csrf: token, email: `prod-${Date.now()}@example.test`, password: "long enough pw", displayName: "P" }),
    });
    expect(signup.status).toBe(303);
    const session = signup.headers.getSetCookie().find((c) => c.startsWith("__session="))!;
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Lax/);
    expect(session).toMatch(/Secure/);
    expect(signup.headers.get("Strict-Transport-Security")).toBe("max-age=31536000; includeSubDomains");
  });

  it("refuses to start in production with the sandbox's URL or without a provider secret, naming the variable", async () => {
    const attempts: Array<[Record<string, string>, RegExp]> = [
      [{ STRIPE_API_BASE: "http://127.0.0.1:4010" }, /STRIPE_API_BASE points at a local address/],
      [{ TOSS_SECRET_KEY: "" }, /TOSS_SECRET_KEY is required in production/],
      [{ STRIPE_SECRET_KEY: SANDBOX_KEYS.stripeSecretKey }, /STRIPE_SECRET_KEY is the payment sandbox's key/],
    ];
    for (const [override, message] of attempts) {
      const { code, output } = await runToExit(
        [path.resolve("node_modules/@remix-run/serve/dist/cli.js"), path.resolve("build/index.js")],
        { ...process.env, NODE_ENV: "production", PORT: "65530", DATABASE_URL: scratch.url, ...PRODUCTION, ...override },
        { timeoutMs: 15_000 },
      );
      expect(code).toBe(1);
      expect(output).toMatch(message);
    }
  });

  it("limits checkout posts per shopper across servers, in PostgreSQL, with 429 and Retry-After", async () => {
    const limits = { CHECKOUT_POSTS_PER_MINUTE: "3" };
    const [a, b] = [await server("limit-a", limits), await server("limit-b", limits)];
    const buyer = await createUser("limited");
    const visitor = await visitorFor(buyer);
    const products = await createProducts(4);
    const answers: number[] = [];
    for (const [index, target] of [a, b, a].entries()) {
      const response = await postCheckout(target, visitor, itemsOf([products[index]]));
      await response.arrayBuffer();
      answers.push(response.status);
    }
    expect(answers).toEqual([303, 303, 303]);
    const refused = await postCheckout(b, visitor, itemsOf([products[3]]));
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(await refused.text()).toMatch(/Too many checkout attempts\. Nothing was charged; please wait \d+ seconds/);
    expect(await db().rateLimit.findUnique({ where: { key: `checkout:user:${buyer.id}` } })).toMatchObject({ hits: 4 });
    expect(await db().checkoutSession.count({ where: { buyerId: buyer.id } })).toBe(3);
  });

  it("limits logins per email across servers with 429 and Retry-After", async () => {
    const [a, b] = [await server("login-a"), await server("login-b")];
    const email = `locked-${Date.now()}@example.test`;
    const visitor = await Visitor.start();
    const attempt = async (target: AppServer) => {
      const response = await fetch(`${target.url}/login`, {
        method: "POST",
        redirect: "manual",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: visitor.cookieHeader() },
        body: new URLSearchParams({ csrf: visitor.csrfToken, email, password: "wrong password" }),
      });
      await response.arrayBuffer();
      return response;
    };
    for (let i = 0; i < LOGIN_ATTEMPTS.perEmail; i++) expect((await attempt(i % 2 ? a : b)).status).toBe(401);
    const blocked = await attempt(a);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("Retry-After"))).toBeGreaterThan(0);
    const page = await getAs(b, visitor, "/");
    expect(page.status).toBe(200);
  });
});
