import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { action as loginAction } from "~/routes/login";
import { action as logoutAction } from "~/routes/logout";
import { action as signupAction } from "~/routes/signup";
import { purgeEndedSessions } from "~/models/session.server";
import { LOGIN_ATTEMPTS, requireUser } from "~/services/web/auth.server";
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

  it("does not let wrong passwords from elsewhere lock the owner out", async () => {
    const email = await newAccount(await Visitor.start());
    for (let attempt = 1; attempt <= LOGIN_ATTEMPTS.perEmailAndAddress; attempt++) {
      expect((await logIn(await Visitor.start(), { email, password: `guess-${attempt}` })).status).toBe(401);
    }
    expect((await logIn(await Visitor.start(), { email, password: "correct horse" })).status).toBe(303);
  });

  it("counts each login before checking the password: past the per-email limit even the right one gets 429", async () => {
    const email = await newAccount(await Visitor.start());
    const attacker = await Visitor.start();
    for (let attempt = 1; attempt <= LOGIN_ATTEMPTS.perEmail; attempt++) {
      expect((await logIn(attacker, { email, password: `guess-${attempt}` })).status).toBe(401);
    }
    const blocked = await logIn(await Visitor.start(), { email, password: "correct horse" });
    expect(blocked.status).toBe(429);
    const retryAfter = Number(blocked.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await blocked.json()).errors.form).toBe(`Too many login attempts. Try again in ${retryAfter} seconds.`);
  });

  it("refuses passwords longer than bcrypt reads (72 bytes), at sign-up and login, with a message", async () => {
    const email = uniqueEmail();
    for (const password of ["x".repeat(73), "비밀번호".repeat(7)]) {
      const response = await signUp(await Visitor.start(), { email, password, displayName: "Long" });
      expect(response.status).toBe(400);
      expect((await response.json()).errors.password).toMatch(/at most 72 bytes/);
    }
    expect(await db().user.count({ where: { email } })).toBe(0);
    const login = await logIn(await Visitor.start(), { email, password: "y".repeat(200) });
    expect(login.status).toBe(400);
    expect((await login.json()).errors.password).toMatch(/at most 72 bytes/);
  });

  it("gives every login a new server-side session and deletes it at logout, so a saved cookie stops working", async () => {
    const email = await newAccount(await Visitor.start());
    const first = await Visitor.start();
    await logIn(first, { email, password: "correct horse" });
    const second = await Visitor.start();
    await logIn(second, { email, password: "correct horse" });
    const user = await db().user.findUniqueOrThrow({ where: { email } });
    const sessions = await db().session.findMany({ where: { userId: user.id } });
    expect(sessions.length).toBe(3); // sign-up, and two logins
    expect(new Set(sessions.map((s) => s.id)).size).toBe(3);
    expect(new Set(sessions.map((s) => s.csrfToken)).size).toBe(3);

    const saved = first.cookieHeader();
    await first.loadPage();
    const logout = await respond(() => logoutAction({ request: first.post("/logout", {}), params: {}, context: {} })).then((r) => first.absorb(r));
    expect(logout.status).toBe(303);
    expect(await db().session.count({ where: { userId: user.id } })).toBe(2);
    const replayed = new Request("http://localhost/account/purchases", { headers: { Cookie: saved } });
    expect((await respond(() => requireUser(replayed))).status).toBe(303);
    expect((await requireUser(second.get("/"))).email).toBe(email);
  });

  it("logs out everywhere: every session of the account ends, on every device", async () => {
    const email = await newAccount(await Visitor.start());
    const [phone, laptop] = [await Visitor.start(), await Visitor.start()];
    await logIn(phone, { email, password: "correct horse" });
    await logIn(laptop, { email, password: "correct horse" });
    await phone.loadPage();
    const out = await respond(() => logoutAction({ request: phone.post("/logout", { scope: "everywhere" }), params: {}, context: {} }));
    expect(out.status).toBe(303);
    const user = await db().user.findUniqueOrThrow({ where: { email } });
    expect(await db().session.count({ where: { userId: user.id } })).toBe(0);
    expect((await respond(() => requireUser(laptop.get("/")))).status).toBe(303);
  });

  it("binds the form token to the login session: the token held before login, or of a session that ended, is refused", async () => {
    const email = await newAccount(await Visitor.start());
    const visitor = await Visitor.start();
    const before = visitor.csrfToken;
    await logIn(visitor, { email, password: "correct horse" });
    const user = await db().user.findUniqueOrThrow({ where: { email } });
    const [session] = await db().session.findMany({ where: { userId: user.id }, orderBy: { createdAt: "desc" }, take: 1 });
    expect(session.csrfToken).not.toBe(before);

    const stale = await respond(() => logoutAction({ request: visitor.post("/logout", { csrf: before }, { csrf: false }), params: {}, context: {} }));
    expect(stale.status).toBe(403);
    expect(await db().session.count({ where: { id: session.id } })).toBe(1);

    visitor.csrfToken = session.csrfToken;
    const out = await respond(() => logoutAction({ request: visitor.post("/logout", {}), params: {}, context: {} })).then((r) => visitor.absorb(r));
    expect(out.status).toBe(303);
    // Logged out, the visitor holds a new anonymous token; the session's no longer counts.
    const signupEmail = uniqueEmail();
    const afterLogout = await signUp(visitor, { email: signupEmail, password: "long enough pw", displayName: "Z" });
    expect(afterLogout.status).toBe(403);
    expect(await db().user.count({ where: { email: signupEmail } })).toBe(0);
  });

  it("refuses a session past its idle or absolute expiry, and the housekeeping deletes it", async () => {
    const email = await newAccount(await Visitor.start());
    const [unused, aged] = [await Visitor.start(), await Visitor.start()];
    await logIn(unused, { email, password: "correct horse" });
    await logIn(aged, { email, password: "correct horse" });
    const user = await db().user.findUniqueOrThrow({ where: { email } });
    const [agedSession, unusedSession] = await db().session.findMany({ where: { userId: user.id }, orderBy: { createdAt: "desc" }, take: 2 });
    const past = new Date(Date.now() - 1000);
    await db().session.update({ where: { id: unusedSession.id }, data: { idleExpiresAt: past } });
    await db().session.update({ where: { id: agedSession.id }, data: { expiresAt: past } });
    expect((await respond(() => requireUser(unused.get("/")))).status).toBe(303);
    expect((await respond(() => requireUser(aged.get("/")))).status).toBe(303);
    expect(await purgeEndedSessions()).toBeGreaterThanOrEqual(2);
    expect(await db().session.count({ where: { id: { in: [agedSession.id, unusedSession.id] } } })).toBe(0);
  });

  it("sends a visitor without a session to login with the way back", async () => {
    const response = await respond(() => requireUser((new Visitor()).get("/account/purchases?tab=all")));
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/login?redirectTo=%2Faccount%2Fpurchases%3Ftab%3Dall");
  });
});
