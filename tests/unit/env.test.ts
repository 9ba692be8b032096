import { describe, expect, it } from "vitest";
import { EnvError, isLocalAddress, parseEnv } from "~/env.server";
import { SANDBOX_KEYS } from "../support/sandbox";

function problemsOf(source: Record<string, string | undefined>): string[] {
  try {
    parseEnv(source);
  } catch (error) {
    if (error instanceof EnvError) return error.problems;
    throw error;
  }
  return [];
}

describe("the environment schema", () => {
  it("starts with no variables at all on the embedded defaults", () => {
    const env = parseEnv({});
    expect(env).toMatchObject({
      PORT: 3000,
      APP_URL: "http://localhost:3000",
      PGLITE_DATA_DIR: ".data/pglite",
      CHECKOUT_TTL_MINUTES: 60,
      APP_ENV: "development",
    });
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it("keeps Toss's server-created window on unless TOSS_SERVER_WINDOW turns it off, and reconciles every minute", () => {
    expect(parseEnv({}).TOSS_SERVER_WINDOW).toBe(true);
    expect(parseEnv({ TOSS_SERVER_WINDOW: "true" }).TOSS_SERVER_WINDOW).toBe(true);
    expect(parseEnv({ TOSS_SERVER_WINDOW: "false" }).TOSS_SERVER_WINDOW).toBe(false);
    expect(parseEnv({ TOSS_SERVER_WINDOW: "0" }).TOSS_SERVER_WINDOW).toBe(false);
    expect(problemsOf({ TOSS_SERVER_WINDOW: "off" })).toEqual([expect.stringMatching(/^TOSS_SERVER_WINDOW /)]);
    expect(parseEnv({})).toMatchObject({ RECONCILE_INTERVAL_SECONDS: 60, RECONCILE_AFTER_MINUTES: 15 });
    expect(parseEnv({ RECONCILE_INTERVAL_SECONDS: "0" }).RECONCILE_INTERVAL_SECONDS).toBe(0);
  });

  it("names the variable that is malformed", () => {
    expect(problemsOf({ PORT: "eighty" })).toEqual([expect.stringMatching(/^PORT /)]);
    expect(problemsOf({ DATABASE_URL: "mysql://db/shop" })).toEqual([
      expect.stringMatching(/^DATABASE_URL must be a postgres/),
    ]);
    expect(problemsOf({ APP_URL: "not a url" })).toEqual([expect.stringMatching(/^APP_URL /)]);
    expect(problemsOf({ CHECKOUT_TTL_MINUTES: "10" })).toEqual([
      expect.stringMatching(/^CHECKOUT_TTL_MINUTES must be at least 35/),
    ]);
  });

  it("refuses production without DATABASE_URL or SESSION_SECRET, naming both", () => {
    const problems = problemsOf({ NODE_ENV: "production" });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^DATABASE_URL is required in production/),
        expect.stringMatching(/^SESSION_SECRET is required in production/),
      ]),
    );
  });

  it("lets a local run serve the production build on the embedded database", () => {
    expect(problemsOf({ NODE_ENV: "production", APP_ENV: "development" })).toEqual([]);
  });

  it("treats empty strings as unset", () => {
    const env = parseEnv({ DATABASE_URL: "", STRIPE_API_BASE: "" });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.STRIPE_API_BASE).toBeUndefined();
  });
});

/** A complete production environment with real-looking provider settings. */
const production = {
  NODE_ENV: "production",
  APP_URL: "https://shop.example",
  DATABASE_URL: "postgresql://shop@db.internal/shop",
  SESSION_SECRET: "a-long-random-session-secret-of-48-characters!!",
  STRIPE_SECRET_KEY: "sk_live_realkey",
  STRIPE_WEBHOOK_SECRET: "whsec_realsecret",
  TOSS_SECRET_KEY: "live_sk_realkey",
  TOSS_CLIENT_KEY: "live_ck_realkey",
};

describe("production", () => {

  it("starts with real provider settings", () => {
    expect(problemsOf(production)).toEqual([]);
  });

  it("refuses to start without APP_URL, which every server must share", () => {
    const { APP_URL: _url, ...rest } = production;
    expect(problemsOf(rest)).toEqual([expect.stringMatching(/^APP_URL is required in production/)]);
  });

  it("refuses missing provider secrets, naming each", () => {
    const { STRIPE_SECRET_KEY: _a, TOSS_SECRET_KEY: _b, ...rest } = production;
    expect(problemsOf(rest)).toEqual([
      "STRIPE_SECRET_KEY is required in production",
      "TOSS_SECRET_KEY is required in production",
    ]);
  });

  it("refuses the sandbox's keys and local provider URLs", () => {
    const problems = problemsOf({
      ...production,
      STRIPE_SECRET_KEY: SANDBOX_KEYS.stripeSecretKey,
      STRIPE_API_BASE: "http://127.0.0.1:4010",
      TOSS_API_BASE: "http://localhost:4010",
    });
    expect(problems).toEqual([
      expect.stringMatching(/^STRIPE_SECRET_KEY is the payment sandbox's key/),
      expect.stringMatching(/^STRIPE_API_BASE points at a local address/),
      expect.stringMatching(/^TOSS_API_BASE points at a local address/),
    ]);
  });
});

describe("production provider addresses", () => {
  it("accepts the providers' own https hosts", () => {
    expect(problemsOf({ ...production, STRIPE_API_BASE: "https://api.stripe.com", TOSS_API_BASE: "https://api.tosspayments.com" })).toEqual([]);
  });

  it.each([
    ["plain http to the real host", "http://api.stripe.com"],
    ["another https host", "https://stripe.example"],
    ["a look-alike host", "https://api.stripe.com.evil.example"],
  ])("refuses %s unless ALLOW_CUSTOM_PROVIDER_BASE says so", (_label, base) => {
    expect(problemsOf({ ...production, STRIPE_API_BASE: base })).toEqual([
      expect.stringMatching(/^STRIPE_API_BASE must be https:\/\/api\.stripe\.com in production/),
    ]);
  });

  it("takes another https host on purpose, never a plain http one", () => {
    expect(problemsOf({ ...production, ALLOW_CUSTOM_PROVIDER_BASE: "true", TOSS_API_BASE: "https://toss-proxy.internal" })).toEqual([]);
    expect(problemsOf({ ...production, ALLOW_CUSTOM_PROVIDER_BASE: "true", TOSS_API_BASE: "http://toss-proxy.internal" })).toEqual([
      "TOSS_API_BASE must be an https:// URL in production",
    ]);
  });

  it.each(["http://[::ffff:127.0.0.1]:4010", "http://[::ffff:7f00:1]:4010", "http://[::1]:4010", "http://0.0.0.0:4010", "http://sandbox.localhost"])(
    "recognises %s as this machine",
    (base) => {
      expect(isLocalAddress(base)).toBe(true);
      expect(problemsOf({ ...production, ALLOW_CUSTOM_PROVIDER_BASE: "true", STRIPE_API_BASE: base })).toEqual([
        expect.stringMatching(/^STRIPE_API_BASE points at a local address/),
      ]);
    },
  );

  it("does not mistake public addresses for this machine", () => {
    for (const base of ["https://api.stripe.com", "https://[::ffff:8.8.8.8]", "https://128.0.0.1"]) expect(isLocalAddress(base)).toBe(false);
  });
});
