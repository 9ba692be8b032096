import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { action as loginAction } from "~/routes/login";
import { action as logoutAction } from "~/routes/logout";
import { action as signupAction } from "~/routes/signup";
import { requireUser } from "~/services/auth.server";
import { prepareDatabase, releaseDatabase } from "../support/database";
import { respond, uniqueEmail, Visitor } from "../support/requests";

const signUp = (visitor: Visitor, fields: Record<string, string>, options?: { csrf?: boolean }) =>
  respond(() => signupAction({ request: visitor.post("/signup", fields, options), params: {}, context: {} })).then((r) =>
    visitor.absorb(r),
  );
const logIn = (visitor: Visitor, fields: Record<string, string>, options?: { csrf?: boolean }) =>
  respond(() => loginAction({ request: visitor.post("/login", fields, options), params: {}, context: {} })).then((r) =>
    visitor.absorb(r),
  );

async function newAccount(visitor: Visitor) {
  const email = uniqueEmail();
  const response = await signUp(visitor, { email, password: "correct horse", displayName: "Test Shopper" });
  expect(response.status).toBe(303);
  return email;
}

describe("accounts", () => {
  beforeAll(prepareDatabase);
  afterAll(releaseDatabase);

  it("signs up with a hashed password and logs the new user in", async () => {
    const visitor = await Visitor.start();
    const email = uniqueEmail();
    const response = await signUp(visitor, { email, password: "correct horse", displayName: "Ada", redirectTo: "/cart" });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/cart");
    expect(response.headers.get("Set-Cookie")).toMatch(/__session=.*HttpOnly.*SameSite=Lax/);
    const user = await db().user.findUniqueOrThrow({ where: { email } });
    expect(user.passwordHash).not.toContain("correct horse");
    expect(user.passwordHash).toMatch(/^\$2[aby]\$/);
    expect((await requireUser(visitor.get("/cart"))).email).toBe(email);
  });

  it("refuses a taken email with a clear message", async () => {
    const email = await newAccount(await Visitor.start());
    const response = await signUp(await Visitor.start(), { email, password: "another password", displayName: "Bob" });
    expect(response.status).toBe(409);
    expect((await response.json()).errors.email).toBe("An account with this email already exists. Log in instead.");
    expect(await db().user.count({ where: { email } })).toBe(1);
  });

  it("refuses a password shorter than 8 characters and creates nothing", async () => {
    const email = uniqueEmail();
    const response = await signUp(await Visitor.start(), { email, password: "short", displayName: "Cy" });
    expect(response.status).toBe(400);
    expect((await response.json()).errors.password).toBe("Use a password of at least 8 characters.");
    expect(await db().user.count({ where: { email } })).toBe(0);
  });

  it("answers a wrong password and an unknown email with the same message", async () => {
    const visitor = await Visitor.start();
    const email = await newAccount(visitor);
    const wrongPassword = await logIn(await Visitor.start(), { email, password: "wrong password" });
    const unknownEmail = await logIn(await Visitor.start(), { email: uniqueEmail(), password: "correct horse" });
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    const [a, b] = [(await wrongPassword.json()).errors.form, (await unknownEmail.json()).errors.form];
    expect(a).toBe("That email and password do not match an account. Check both and try again.");
    expect(b).toBe(a);
  });

  it("logs in with the right password and goes back to the page that asked", async () => {
    const email = await newAccount(await Visitor.start());
    const visitor = await Visitor.start();
    const response = await logIn(visitor, { email, password: "correct horse", redirectTo: "/cart" });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/cart");
    expect((await requireUser(visitor.get("/"))).email).toBe(email);
  });

  it("refuses to redirect to another site after login", async () => {
    const email = await newAccount(await Visitor.start());
    for (const redirectTo of ["https://evil.example", "//evil.example/cart", "/\\evil.example"]) {
      const response = await logIn(await Visitor.start(), { email, password: "correct horse", redirectTo });
      expect(response.status).toBe(303);
      expect(response.headers.get("Location")).toBe("/");
    }
  });

  it("answers a post without a valid CSRF token with 403 and changes nothing", async () => {
    const email = uniqueEmail();
    const missing = await signUp(await Visitor.start(), { email, password: "correct horse", displayName: "Eve" }, { csrf: false });
    expect(missing.status).toBe(403);
    const forged = await signUp(await Visitor.start(), { email, password: "correct horse", displayName: "Eve", csrf: "forged" }, { csrf: false });
    expect(forged.status).toBe(403);
    expect(await db().user.count({ where: { email } })).toBe(0);

    const visitor = await Visitor.start();
    await newAccount(visitor);
    const logout = await respond(() =>
      logoutAction({ request: visitor.post("/logout", {}, { csrf: false }), params: {}, context: {} }),
    );
    expect(logout.status).toBe(403);
    expect(await requireUser(visitor.get("/"))).toBeTruthy();
  });

  it("answers 429 with Retry-After after 10 failed logins, even with the right password", async () => {
    const email = await newAccount(await Visitor.start());
    const attacker = await Visitor.start();
    for (let attempt = 1; attempt <= 10; attempt++) {
      expect((await logIn(attacker, { email, password: `guess-${attempt}` })).status).toBe(401);
    }
    const blocked = await logIn(attacker, { email, password: "correct horse" });
    expect(blocked.status).toBe(429);
    const retryAfter = Number(blocked.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await blocked.json()).errors.form).toBe(`Too many failed login attempts. Try again in ${retryAfter} seconds.`);

    // The limit is per email too: another address (another IP) is blocked for this account.
    const elsewhere = await logIn(await Visitor.start(), { email, password: "correct horse" });
    expect(elsewhere.status).toBe(429);
  });

  it("sends a visitor without a session to login with the way back", async () => {
    const response = await respond(() => requireUser((new Visitor()).get("/account/purchases?tab=all")));
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/login?redirectTo=%2Faccount%2Fpurchases%3Ftab%3Dall");
  });
});
