import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "~/db.server";
import { action as loginAction } from "~/routes/login";
import { action as signupAction } from "~/routes/signup";
import { LOGIN_ATTEMPTS, SIGNUPS } from "~/services/web/auth.server";
import { prepareDatabase, releaseDatabase } from "../support/database";
import { respond, uniqueEmail, Visitor } from "../support/requests";

// Behind one trusted proxy (TRUST_PROXY_HOPS=1) the client's address is the
// last X-Forwarded-For entry, and the per-address limits hold.
vi.hoisted(() => {
  process.env.TRUST_PROXY_HOPS = "1";
});

function from(address: string, request: Request, clientEntries = ""): Request {
  const headers = new Headers(request.headers);
  headers.set("X-Forwarded-For", clientEntries ? `${clientEntries}, ${address}` : address);
  return new Request(request, { headers });
}

/**
 * An address no earlier run used: sign-ups are counted per address for ten
 * minutes in the shared database, so a fixed one would be spent by the run before.
 */
const freshAddress = () => `2001:db8::${randomBytes(2).toString("hex")}:${randomBytes(2).toString("hex")}:${randomBytes(2).toString("hex")}`;

const logIn = (visitor: Visitor, address: string, fields: Record<string, string>, clientEntries = "") =>
  respond(() => loginAction({ request: from(address, visitor.post("/login", fields), clientEntries), params: {}, context: {} }));
const signUp = (visitor: Visitor, address: string, fields: Record<string, string>) =>
  respond(() => signupAction({ request: from(address, visitor.post("/signup", fields)), params: {}, context: {} }));

describe("per-address limits behind a trusted proxy", () => {
  beforeAll(prepareDatabase);
  afterAll(releaseDatabase);

  it("stops one address after its failed logins while the owner, elsewhere, still logs in", async () => {
    const email = uniqueEmail();
    const home = freshAddress();
    expect((await signUp(await Visitor.start(), home, { email, password: "correct horse", displayName: "Owner" })).status).toBe(303);
    const attacker = await Visitor.start();
    const attackerAddress = freshAddress();
    for (let attempt = 1; attempt <= LOGIN_ATTEMPTS.perEmailAndAddress; attempt++) {
      expect((await logIn(attacker, attackerAddress, { email, password: `guess-${attempt}` })).status).toBe(401);
    }
    // Entries the client wrote itself sit left of the proxy's and change nothing.
    const rotated = await logIn(attacker, attackerAddress, { email, password: "correct horse" }, "10.9.8.7, 203.0.113.250");
    expect(rotated.status).toBe(429);
    expect(Number(rotated.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect((await logIn(await Visitor.start(), home, { email, password: "correct horse" })).status).toBe(303);
  });

  it("limits sign-ups per address and creates nothing past the limit", async () => {
    const address = freshAddress();
    for (let i = 0; i < SIGNUPS.perAddress; i++) {
      expect((await signUp(await Visitor.start(), address, { email: uniqueEmail("flood"), password: "long enough pw", displayName: "F" })).status).toBe(303);
    }
    const email = uniqueEmail("flood");
    const refused = await signUp(await Visitor.start(), address, { email, password: "long enough pw", displayName: "F" });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect((await refused.json()).errors.form).toMatch(/Too many accounts were created from here just now\. Try again in \d+ minutes\./);
    expect(await db().user.count({ where: { email } })).toBe(0);
    expect((await signUp(await Visitor.start(), freshAddress(), { email, password: "long enough pw", displayName: "F" })).status).toBe(303);
  });
});
