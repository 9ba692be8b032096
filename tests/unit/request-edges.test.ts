import { describe, expect, it } from "vitest";
import { redactSecrets } from "~/services/web/access-log.server";
import { safeRedirectTarget } from "~/services/web/auth.server";
import { parseCheckoutItems } from "~/services/checkout/input";
import { addressFromForwardedFor } from "~/services/web/client-address.server";
import { parseStripeEvent } from "~/services/payments/stripe-events.server";
import { signStripeEvent } from "../support/stripe-events";

// The rules at the shop's edges that need no database: where a form may send
// the shopper, whose address a request comes from, what an access log line may
// hold, what a checkout item may say, and when a Stripe signature is too new.

describe("redirect targets", () => {
  it.each([
    ["/cart", "/cart"],
    ["/products/abc?tab=files#top", "/products/abc?tab=files#top"],
    ["/login?redirectTo=%2Fcart", "/login?redirectTo=%2Fcart"],
  ])("keeps the shop's own path %s", (target, expected) => {
    expect(safeRedirectTarget(target)).toBe(expected);
  });

  it.each([
    ["another site", "https://evil.example"],
    ["a protocol-relative URL", "//evil.example/cart"],
    ["a backslash read as a slash", "/\\evil.example"],
    ["a tab after the slash", "/\t/evil.example"],
    ["a carriage return and line feed", "/\r\n/evil.example"],
    ["a line feed", "/\n/evil.example"],
    ["a NUL", "/\u0000/evil.example"],
    ["DEL", "/\u007f/evil.example"],
    ["javascript:", "javascript:alert(1)"],
    ["a relative path", "cart"],
    ["nothing", ""],
    ["no value", null],
  ])("sends %s home", (_label, target) => {
    expect(safeRedirectTarget(target)).toBe("/");
  });
});

describe("the client's address", () => {
  it("knows none when no proxy is trusted, whatever the header says", () => {
    expect(addressFromForwardedFor("198.51.100.7", 0)).toBeNull();
  });

  it("reads only the entries the trusted proxies appended, from the right", () => {
    expect(addressFromForwardedFor("6.6.6.6, 1.2.3.4, 198.51.100.7", 1)).toBe("198.51.100.7");
    expect(addressFromForwardedFor("6.6.6.6, 1.2.3.4, 198.51.100.7", 2)).toBe("1.2.3.4");
    expect(addressFromForwardedFor("198.51.100.7", 2)).toBeNull();
  });

  it("refuses entries that are not addresses and folds IPv4-mapped IPv6 into IPv4", () => {
    expect(addressFromForwardedFor("not-an-address", 1)).toBeNull();
    expect(addressFromForwardedFor("::ffff:198.51.100.7", 1)).toBe("198.51.100.7");
    expect(addressFromForwardedFor("[2001:DB8::1]", 1)).toBe("2001:db8::1");
  });
});

describe("access log lines", () => {
  it("masks Toss payment keys wherever they sit in the query", () => {
    const line = "GET /checkout/c1/success?paymentKey=tgen_2026SECRET&orderId=o1&amount=9000 303 - - 5 ms\n";
    expect(redactSecrets(line)).toBe("GET /checkout/c1/success?paymentKey=[redacted]&orderId=o1&amount=9000 303 - - 5 ms\n");
    expect(redactSecrets("GET /x?orderId=o1&paymentKey=abc 303")).toBe("GET /x?orderId=o1&paymentKey=[redacted] 303");
    expect(redactSecrets("GET /catalog?q=paymentKey 200")).toBe("GET /catalog?q=paymentKey 200");
  });
});

describe("checkout item quantity", () => {
  const item = (extra: Record<string, unknown>) => [{ id: "6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", price: 1500, currency: "USD", ...extra }];

  it("accepts a quantity of 1, or none", () => {
    expect(parseCheckoutItems(item({ quantity: 1 })).ok).toBe(true);
    expect(parseCheckoutItems(item({})).ok).toBe(true);
  });

  it.each([0, 2, -1, 1.5, "1", null])("refuses quantity %j with a message", (quantity) => {
    expect(parseCheckoutItems(item({ quantity }))).toEqual({
      ok: false,
      message: "Item 1: Each product is bought once: quantity must be 1 (or left out).",
    });
  });
});

describe("Stripe signature dates", () => {
  const body = JSON.stringify({ id: "evt_1", object: "event", type: "checkout.session.completed", data: { object: { id: "cs_1", metadata: {} } } });
  const headersAt = (offsetSeconds: number) =>
    new Headers({ "stripe-signature": signStripeEvent(body, { timestamp: Math.floor(Date.now() / 1000) + offsetSeconds }) });

  it.each([3600, 301])("refuses a signature dated %i seconds ahead", async (ahead) => {
    expect(await parseStripeEvent(body, headersAt(ahead))).toEqual({
      kind: "invalid",
      message: "Webhook signature is dated more than 300 seconds in the future; check the sender's clock.",
    });
  });

  it("refuses one dated over 300 seconds ago", async () => {
    expect(await parseStripeEvent(body, headersAt(-301))).toMatchObject({ kind: "invalid", message: expect.stringMatching(/tolerance/) });
  });

  it("accepts one dated within 300 seconds either side", async () => {
    for (const offset of [-290, 0, 290]) expect((await parseStripeEvent(body, headersAt(offset))).kind).not.toBe("invalid");
  });
});
