import http from "node:http";
import bcrypt from "bcryptjs";
import { describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { LOGIN_ATTEMPTS } from "~/services/web/auth.server";
import { uniqueEmail, Visitor } from "../support/requests";
import { createProducts } from "../support/shop";
import { addFigures } from "./figures";
import { getAs, takePageToken, useShop, waitFor, type AppServer, type LoadBalancer } from "./harness";

// The second security round, against real server processes behind a proxy
// that appends the client's address to X-Forwarded-For (TRUST_PROXY_HOPS=1).

let servers: AppServer[];
let balancer: LoadBalancer;

useShop("security", { env: { TRUST_PROXY_HOPS: "1", RECONCILE_INTERVAL_SECONDS: "0" }, webhooks: null }, (shop) => {
  ({ servers, balancer } = shop);
  balancer.appendForwardedFor = true;
});

const PASSWORD = "correct horse battery";

function formPost(visitor: Visitor, fields: Record<string, string>, headers: Record<string, string> = {}): RequestInit {
  return {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: visitor.cookieHeader(), ...headers },
    body: new URLSearchParams({ csrf: visitor.csrfToken, ...fields }),
  };
}

let accounts = 0;

/** An account, logged in over HTTP (from an address of its own, as the proxy reports it). */
async function newAccount(): Promise<{ email: string; visitor: Visitor }> {
  accounts += 1;
  const email = uniqueEmail(`security-${accounts}`);
  await db().user.create({ data: { email, displayName: "Sec", passwordHash: await bcrypt.hash(PASSWORD, 4) } });
  const visitor = await Visitor.start();
  const response = await fetch(`${servers[0].url}/login`, formPost(visitor, { email, password: PASSWORD }, { "X-Forwarded-For": `192.0.2.${accounts}` }));
  expect(response.status).toBe(303);
  visitor.absorb(response);
  return { email, visitor };
}

const passwordChecks = (marks: number[]) =>
  servers.reduce((sum, server, i) => sum + (server.logsSince(marks[i]).match(/"event":"password_checked"/g)?.length ?? 0), 0);

describe("sessions", () => {
  it("refuses a session cookie replayed after logout, on every server", async () => {
    const { visitor } = await newAccount();
    const saved = visitor.cookieHeader();
    for (const server of servers) expect((await getAs(server, visitor, "/account/purchases")).status).toBe(200);
    await takePageToken(balancer.url, visitor);
    const logout = await fetch(`${balancer.url}/logout`, formPost(visitor, {}));
    expect(logout.status).toBe(303);
    for (const server of servers) {
      const replayed = await fetch(`${server.url}/account/purchases`, { redirect: "manual", headers: { Cookie: saved } });
      await replayed.arrayBuffer();
      expect(replayed.status).toBe(303);
      expect(replayed.headers.get("Location")).toMatch(/^\/login\?redirectTo=/);
    }
  });
});

describe("login limits", () => {
  it("runs at most 10 password checks for 100 parallel wrong logins to one account from one address; the rest get 429", async () => {
    const { email } = await newAccount();
    const attacker = await Visitor.start();
    const marks = servers.map((server) => server.logs().length);
    const statuses = await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        const response = await fetch(`${balancer.url}/login`, formPost(attacker, { email, password: `wrong-${i}` }));
        await response.arrayBuffer();
        return response.status;
      }),
    );
    const wrong = statuses.filter((status) => status === 401).length;
    const limited = statuses.filter((status) => status === 429).length;
    expect(wrong + limited).toBe(100);
    // Each login is counted before its password is checked: exactly the limit get that far.
    expect(wrong).toBe(LOGIN_ATTEMPTS.perEmailAndAddress);
    const checks = await waitFor("every password check logged", async () => {
      const counted = passwordChecks(marks);
      return counted >= wrong ? counted : undefined;
    });
    expect(checks).toBe(wrong);
    addFigures({ parallel_wrong_logins: 100, password_checks_run: checks, logins_refused_429: limited });
  });

  it("does not let a client escape the per-address limit with its own X-Forwarded-For entries", async () => {
    const { email } = await newAccount();
    const attacker = await Visitor.start();
    const answers: number[] = [];
    for (let i = 0; i <= LOGIN_ATTEMPTS.perEmailAndAddress; i++) {
      const rotated = `203.0.113.${i + 1}, 198.51.100.${i + 1}`;
      const response = await fetch(`${balancer.url}/login`, formPost(attacker, { email, password: `wrong-${i}` }, { "X-Forwarded-For": rotated }));
      await response.arrayBuffer();
      answers.push(response.status);
    }
    expect(answers.slice(0, LOGIN_ATTEMPTS.perEmailAndAddress).every((status) => status === 401)).toBe(true);
    expect(answers.at(-1)).toBe(429);
    // The owner, at another address (as the proxy reports it), is not locked out.
    const owner = await Visitor.start();
    const login = await fetch(`${servers[0].url}/login`, formPost(owner, { email, password: PASSWORD }, { "X-Forwarded-For": "192.0.2.44" }));
    expect(login.status).toBe(303);
  });
});

/** Streams `total` bytes to `path` with no Content-Length; resolves when the answer arrives. */
function streamBody(server: AppServer, path: string, total: number, headers: Record<string, string>) {
  return new Promise<{ status: number; body: string; sentBeforeAnswer: number }>((resolve, reject) => {
    let sent = 0;
    let finished = false;
    const request = http.request({ host: "127.0.0.1", port: server.port, method: "POST", path, headers }, (response) => {
      const sentBeforeAnswer = sent;
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => {
        finished = true;
        request.destroy();
        resolve({ status: response.statusCode ?? 0, body, sentBeforeAnswer });
      });
    });
    request.on("error", (error) => {
      if (!finished) reject(error);
    });
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const write = () => {
      while (sent < total && !finished) {
        sent += chunk.length;
        if (!request.write(chunk)) {
          request.once("drain", write);
          return;
        }
      }
      if (!finished) request.end();
    };
    write();
  });
}

describe("request bodies", () => {
  const THIRTY_MB = 30 * 1024 * 1024;

  it.each([
    ["/webhooks/stripe", { "Content-Type": "application/json", "Stripe-Signature": "t=1,v1=x" }],
    ["/webhooks/toss", { "Content-Type": "application/json" }],
  ])("answers a 30 MB chunked body to %s with 413 before it has been sent", async (path, headers) => {
    const answer = await streamBody(servers[0], path, THIRTY_MB, headers);
    expect(answer.status).toBe(413);
    expect(answer.body).toMatch(/too large \(the limit is 64 KB\)/);
    expect(answer.sentBeforeAnswer).toBeLessThan(THIRTY_MB / 2);
    addFigures({ [`oversized_body_bytes_sent_before_413${path.replace(/\W/g, "_")}`]: answer.sentBeforeAnswer });
  });

  it("answers a declared 30 MB body with 413 without reading it", async () => {
    const answer = await streamBody(servers[1], "/webhooks/stripe", THIRTY_MB, {
      "Content-Type": "application/json",
      "Content-Length": String(THIRTY_MB),
      "Stripe-Signature": "t=1,v1=x",
    });
    expect(answer.status).toBe(413);
    expect(answer.sentBeforeAnswer).toBeLessThan(THIRTY_MB / 2);
    // The server is still there for everyone else.
    expect((await fetch(`${servers[1].url}/healthz`)).status).toBe(200);
  });
});

describe("cross-site posts", () => {
  it.each(["/cart", "/login", "/signup", "/logout"])("answers a form posted to %s from another site's page with 403 and a message", async (path) => {
    const { visitor, email } = await newAccount();
    await takePageToken(servers[0].url, visitor);
    const [product] = await createProducts(1);
    const newcomer = uniqueEmail("cross-site");
    const rows = async () => ({ users: await db().user.count(), sessions: await db().session.count() });
    const before = await rows();
    const response = await fetch(
      `${servers[0].url}${path}`,
      // What each form takes, well formed: only the page it came from is wrong.
      formPost(visitor, { intent: "add", productId: product.id, email: path === "/signup" ? newcomer : email, password: PASSWORD, displayName: "X" }, { Origin: "https://evil.example" }),
    );
    expect(response.status).toBe(403);
    expect(await response.text()).toMatch(/sent from another site&#x27;s page, so nothing was changed|sent from another site's page, so nothing was changed/);
    // No account, no login session, no cart cookie, and the visitor still logged in.
    expect(await rows()).toEqual(before);
    expect(response.headers.getSetCookie().filter((cookie) => !cookie.startsWith("csrf="))).toEqual([]);
    expect((await getAs(servers[0], visitor, "/account/purchases")).status).toBe(200);
  });

  it("answers the JSON checkout API called from another site's page with 403 and a message", async () => {
    const { visitor } = await newAccount();
    const response = await fetch(`${servers[1].url}/api/cart/checkout`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Cookie: visitor.cookieHeader(), Origin: "https://evil.example" },
      body: JSON.stringify({ items: [] }),
    });
    expect(response.status).toBe(403);
    expect((await response.json()).error).toMatch(/another site's page/);
  });
});

describe("headers", () => {
  it("puts the security headers and no-store on every kind of response, resource routes included", async () => {
    const { visitor } = await newAccount();
    const base = servers[0].url;
    const responses: Array<[string, Response]> = [
      ["page", await fetch(`${base}/`, { headers: { Cookie: visitor.cookieHeader() } })],
      ["data request", await fetch(`${base}/?_data=root`, { headers: { Cookie: visitor.cookieHeader() } })],
      ["not found page", await fetch(`${base}/no-such-page`)],
      ["health", await fetch(`${base}/healthz`)],
      ["webhook refusal", await fetch(`${base}/webhooks/stripe`, { method: "POST", body: "{}" })],
      ["webhook GET", await fetch(`${base}/webhooks/toss`)],
      ["JSON API GET", await fetch(`${base}/api/cart/checkout`)],
      ["download of nothing", await fetch(`${base}/downloads/x/y`, { redirect: "manual", headers: { Cookie: visitor.cookieHeader() } })],
    ];
    for (const [what, response] of responses) {
      await response.arrayBuffer();
      const headers = Object.fromEntries(response.headers);
      expect({ what, nosniff: headers["x-content-type-options"] }).toEqual({ what, nosniff: "nosniff" });
      expect({ what, frame: headers["x-frame-options"] }).toEqual({ what, frame: "DENY" });
      expect({ what, referrer: headers["referrer-policy"] }).toEqual({ what, referrer: "strict-origin-when-cross-origin" });
      expect({ what, csp: headers["content-security-policy"] }).toEqual({ what, csp: expect.stringContaining("frame-ancestors 'none'") });
      expect({ what, cache: headers["cache-control"] }).toEqual({ what, cache: expect.stringMatching(/no-store/) });
    }
    const page = responses[0][1];
    expect(page.headers.get("Cache-Control")).toBe("private, no-store");
    const csp = page.headers.get("Content-Security-Policy") ?? "";
    expect(csp).toMatch(/form-action 'self' https:\/\/checkout\.stripe\.com/);
    expect(responses[3][1].headers.get("Content-Security-Policy")).toMatch(/^default-src 'none'/);
  });

  it("sends a logged-in visitor with a control character in redirectTo home instead of failing", async () => {
    const { visitor } = await newAccount();
    for (const target of ["/%0d%0a/evil.example", "/%09/evil.example", "/%5Cevil.example"]) {
      const response = await getAs(servers[1], visitor, `/login?redirectTo=${target}`);
      await response.arrayBuffer();
      expect(response.status).toBe(302);
      expect(response.headers.get("Location")).toBe("/");
    }
  });
});
