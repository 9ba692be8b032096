import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseEnv, TOSS_SDK_CDN_URL } from "~/env.server";
import { TOSS_ORDER_ID, tossOrderId } from "~/services/payments/toss-params";
import { tossSdkRequest, type TossSdkCheckoutInput } from "~/services/payments/toss-sdk";
import { SANDBOX_KEYS } from "../support/sandbox";

function input(overrides: Partial<TossSdkCheckoutInput> = {}): TossSdkCheckoutInput {
  const sessionId = randomUUID();
  return {
    sdkUrl: "http://127.0.0.1:4110/v1/sdk/payment",
    clientKey: SANDBOX_KEYS.tossClientKey,
    appUrl: "http://localhost:3100/",
    sessionId,
    orderId: tossOrderId(sessionId),
    total: 69_900,
    titles: ["한국어 마케팅 카피 프롬프트 팩", "Korean Speech Commands Dataset", "유튜브 쇼츠 대본 프롬프트 모음"],
    buyer: { email: "shopper@example.test", displayName: "E2E Shopper" },
    ...overrides,
  };
}

describe("the parameters built for TossPayments' browser SDK", () => {
  it("asks for a card payment of the checkout's total under its orderId, returning to its success and fail pages", () => {
    const given = input();
    const request = tossSdkRequest(given);
    expect(request).toEqual({
      sdkUrl: given.sdkUrl,
      clientKey: given.clientKey,
      method: "카드",
      payment: {
        amount: 69_900,
        orderId: given.orderId,
        orderName: "한국어 마케팅 카피 프롬프트 팩 외 2건",
        successUrl: `http://localhost:3100/checkout/${given.sessionId}/success`,
        failUrl: `http://localhost:3100/checkout/${given.sessionId}/fail`,
        customerName: "E2E Shopper",
        customerEmail: "shopper@example.test",
      },
    });
  });

  it("uses an orderId of 6 to 64 characters of [A-Za-z0-9_-] for every session id", () => {
    for (let i = 0; i < 50; i++) {
      const { payment } = tossSdkRequest(input());
      expect(payment.orderId).toMatch(TOSS_ORDER_ID);
      expect(payment.orderId).toMatch(/^[A-Za-z0-9_-]{6,64}$/);
    }
  });

  it("refuses an orderId Toss would reject instead of sending it to the browser", () => {
    for (const orderId of ["order", "order id with spaces", "주문_123456", `o${"x".repeat(64)}`, "order/123456"]) {
      expect(() => tossSdkRequest(input({ orderId }))).toThrow(/not a Toss orderId/);
    }
  });

  it("cuts the orderName to 100 characters, keeping whole characters and the count of other products", () => {
    const { payment } = tossSdkRequest(input({ titles: ["가".repeat(150), "b", "c"] }));
    expect([...payment.orderName]).toHaveLength(100);
    expect(payment.orderName.endsWith("… 외 2건")).toBe(true);
    const emoji = tossSdkRequest(input({ titles: ["😀".repeat(120)] })).payment.orderName;
    expect([...emoji]).toHaveLength(100);
    expect(emoji).not.toMatch(/\uFFFD/);
  });

  it("cuts the customer name to 100 characters and leaves out an email Toss cannot take", () => {
    const long = `${"a".repeat(95)}@example.test`;
    const { payment } = tossSdkRequest(input({ buyer: { email: long, displayName: "김".repeat(120) } }));
    expect([...(payment.customerName ?? "")]).toHaveLength(100);
    expect(payment).not.toHaveProperty("customerEmail");
  });

  it("refuses an amount that is not whole won", () => {
    expect(() => tossSdkRequest(input({ total: 1000.5 }))).toThrow();
  });
});

/** What production needs besides TOSS_SDK_URL (real-looking keys, no local provider bases). */
const PRODUCTION = {
  APP_ENV: "production",
  APP_URL: "https://shop.example",
  DATABASE_URL: "postgresql://db/shop",
  SESSION_SECRET: "s".repeat(32),
  STRIPE_SECRET_KEY: "sk_live_example",
  STRIPE_WEBHOOK_SECRET: "whsec_live_example",
  TOSS_SECRET_KEY: "live_sk_example",
  TOSS_CLIENT_KEY: "live_ck_example",
};

describe("TOSS_SDK_URL", () => {
  it("defaults outside production to the sandbox's stand-in beside TOSS_API_BASE", () => {
    expect(parseEnv({ TOSS_API_BASE: "http://127.0.0.1:4110/" }).TOSS_SDK_URL).toBe("http://127.0.0.1:4110/v1/sdk/payment");
  });

  it("defaults to Toss's CDN in production and when TOSS_API_BASE is unset", () => {
    expect(parseEnv({}).TOSS_SDK_URL).toBe(TOSS_SDK_CDN_URL);
    expect(parseEnv({ ...PRODUCTION, TOSS_API_BASE: "https://api.tosspayments.com" }).TOSS_SDK_URL).toBe("https://js.tosspayments.com/v1");
  });

  it("takes an explicit URL, but only https in production", () => {
    expect(parseEnv({ TOSS_SDK_URL: "http://localhost:9999/sdk.js" }).TOSS_SDK_URL).toBe("http://localhost:9999/sdk.js");
    expect(parseEnv({ ...PRODUCTION, TOSS_SDK_URL: "https://cdn.example/sdk.js" }).TOSS_SDK_URL).toBe("https://cdn.example/sdk.js");
    expect(() => parseEnv({ ...PRODUCTION, TOSS_SDK_URL: "http://cdn.example/sdk.js" })).toThrow(/TOSS_SDK_URL must be an https/);
    expect(() => parseEnv({ TOSS_SDK_URL: "not a url" })).toThrow(/TOSS_SDK_URL/);
  });
});
