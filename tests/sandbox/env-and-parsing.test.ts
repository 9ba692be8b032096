import { execFile } from "node:child_process";
import { promisify } from "node:util";
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { readSandboxEnv } from "../../sandbox/env.ts";
import { escapeHtml, parseNestedParams } from "../../sandbox/http.ts";
import { stripeSignatureHeader } from "../../sandbox/webhooks.ts";
import { SANDBOX_KEYS } from "../support/sandbox";

describe("sandbox environment", () => {
  it("defaults to port 4010, the sandbox keys and the app's webhook routes", () => {
    const options = readSandboxEnv({});
    expect(options).toMatchObject({
      port: 4010,
      publicUrl: "http://localhost:4010",
      ...SANDBOX_KEYS,
      stripeWebhookUrl: "http://localhost:3000/webhooks/stripe",
      tossWebhookUrl: "http://localhost:3000/webhooks/toss",
    });
  });

  it("derives webhook targets from APP_URL unless overridden", () => {
    const options = readSandboxEnv({
      APP_URL: "http://127.0.0.1:5555/",
      SANDBOX_TOSS_WEBHOOK_URL: "http://hooks.test/toss",
      SANDBOX_URL: "http://pay.test:9999",
    });
    expect(options.stripeWebhookUrl).toBe("http://127.0.0.1:5555/webhooks/stripe");
    expect(options.tossWebhookUrl).toBe("http://hooks.test/toss");
    expect(options.publicUrl).toBe("http://pay.test:9999");
  });

  it("names the variable that is malformed", () => {
    expect(() => readSandboxEnv({ SANDBOX_PORT: "eighty" })).toThrow(/SANDBOX_PORT/);
    expect(() => readSandboxEnv({ APP_URL: "not a url" })).toThrow(/APP_URL/);
  });

  it("refuses NODE_ENV=production, and APP_ENV=production whatever NODE_ENV says", () => {
    expect(() => readSandboxEnv({ NODE_ENV: "production" })).toThrow(/refuses to start with NODE_ENV=production/);
    expect(() => readSandboxEnv({ NODE_ENV: "development", APP_ENV: "production" })).toThrow(/refuses to start with APP_ENV=production/);
  });

  it("main.ts exits with a clear message under NODE_ENV=production", async () => {
    const run = promisify(execFile);
    const result = await run(process.execPath, ["--import", "tsx", "sandbox/main.ts"], {
      env: { ...process.env, NODE_ENV: "production", SANDBOX_PORT: "0" },
    }).then(
      () => ({ code: 0, stderr: "" }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("refuses to start with NODE_ENV=production");
  });
});

describe("request parsing and signing helpers", () => {
  it("parses Stripe's nested bracket parameters into objects and ordered arrays", () => {
    const parsed = parseNestedParams([
      ["line_items[1][quantity]", "2"],
      ["line_items[0][price_data][product_data][name]", "A"],
      ["line_items[0][quantity]", "1"],
      ["metadata[order]", "o1"],
      ["expand[]", "line_items"],
      ["expand[]", "payment_intent"],
      ["mode", "payment"],
    ]);
    expect(parsed).toEqual({
      line_items: [{ price_data: { product_data: { name: "A" } }, quantity: "1" }, { quantity: "2" }],
      metadata: { order: "o1" },
      expand: ["line_items", "payment_intent"],
      mode: "payment",
    });
  });

  it("escapes the five HTML-significant characters", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });

  it("produces a Stripe-Signature header that the SDK verifies", () => {
    const payload = JSON.stringify({ id: "evt_1", object: "event" });
    const header = stripeSignatureHeader(payload, "whsec_x", Math.floor(Date.now() / 1000));
    const event = new Stripe("sk_test_x").webhooks.constructEvent(payload, header, "whsec_x");
    expect(event.id).toBe("evt_1");
  });
});
