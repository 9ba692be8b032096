import { describe, expect, it } from "vitest";
import { tossAuthorization } from "../support/sandbox";
import { waitFor } from "../support/wait";
import { faultsFired, type TestSandbox, tossEvents, tossWindowRequest, useTestSandbox } from "./support.ts";

let t: TestSandbox;

useTestSandbox((sandbox) => (t = sandbox));

async function createWindow(overrides: Record<string, unknown> = {}) {
  const created = await t.toss("POST", "/v1/payments", tossWindowRequest(overrides));
  expect(created.status).toBe(200);
  return created.body;
}

/** Presses "approve" in the payment window and returns the success redirect's query. */
async function approveInWindow(payment: { checkout: { url: string } }) {
  const response = await fetch(`${payment.checkout.url}/approve`, { method: "POST", redirect: "manual" });
  expect(response.status).toBe(303);
  return new URL(response.headers.get("location") as string);
}

describe("TossPayments API through fetch", () => {
  it("creates a payment window: a READY Payment with checkout.url", async () => {
    const payment = await createWindow();

    expect(payment).toMatchObject({
      orderName: "프롬프트 팩 외 2건",
      status: "READY",
      totalAmount: 39_000,
      balanceAmount: 39_000,
      currency: "KRW",
      method: "카드",
      type: "NORMAL",
      approvedAt: null,
    });
    expect(typeof payment.paymentKey).toBe("string");
    expect(payment.requestedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00$/);
    expect(payment.checkout.url).toBe(`${t.sandbox.url}/v1/payments/${payment.paymentKey}/checkout`);
    const page = await (await fetch(payment.checkout.url)).text();
    expect(page).toContain("₩39,000");
  });

  it("answers 401 UNAUTHORIZED_KEY for a wrong or missing secret key", async () => {
    const wrong = await t.toss("POST", "/v1/payments", tossWindowRequest(), {
      Authorization: tossAuthorization("test_sk_wrong"),
    });
    expect(wrong).toEqual({ status: 401, body: { code: "UNAUTHORIZED_KEY", message: expect.any(String) } });

    const none = await fetch(`${t.base}/v1/payments/orders/whatever`);
    expect(none.status).toBe(401);
    expect((await none.json()).code).toBe("UNAUTHORIZED_KEY");
  });

  it("refuses amounts under 100 won with BELOW_MINIMUM_AMOUNT", async () => {
    const response = await t.toss("POST", "/v1/payments", tossWindowRequest({ amount: 99 }));
    expect(response.status).toBe(400);
    expect(response.body.code).toBe("BELOW_MINIMUM_AMOUNT");
  });

  it("refuses an orderId used before with DUPLICATED_ORDER_ID", async () => {
    const first = await createWindow({ orderId: "order-dup-0001" });
    expect(first.orderId).toBe("order-dup-0001");
    const again = await t.toss("POST", "/v1/payments", tossWindowRequest({ orderId: "order-dup-0001" }));
    expect(again.status).toBe(400);
    expect(again.body.code).toBe("DUPLICATED_ORDER_ID");
  });

  it("answers INVALID_REQUEST for a malformed orderId, a long orderName, a bad method or relative URLs", async () => {
    const bad = [
      { orderId: "abc" },
      { orderId: "has space 123" },
      { orderName: "x".repeat(101) },
      { method: "BITCOIN" },
      { successUrl: "/success" },
      { currency: "USD" },
    ];
    for (const override of bad) {
      const response = await t.toss("POST", "/v1/payments", tossWindowRequest(override));
      expect(response.status, JSON.stringify(override)).toBe(400);
      expect(response.body.code).toBe("INVALID_REQUEST");
    }
  });

  it("approves in the window: 303 to successUrl with paymentType, orderId, paymentKey and amount", async () => {
    const payment = await createWindow();
    const success = await approveInWindow(payment);

    expect(success.origin + success.pathname).toBe("http://shop.test/checkout/chk_7/success");
    expect(Object.fromEntries(success.searchParams)).toEqual({
      paymentType: "NORMAL",
      orderId: payment.orderId,
      paymentKey: payment.paymentKey,
      amount: "39000",
    });
    // Approved in the window but not confirmed: not a payment Toss's lookup answers yet.
    const looked = await t.toss("GET", `/v1/payments/${payment.paymentKey}`);
    expect(looked).toEqual({ status: 404, body: { code: "NOT_FOUND_PAYMENT", message: expect.any(String) } });
  });

  it("refuses to confirm an amount other than the window's", async () => {
    const payment = await createWindow();
    await approveInWindow(payment);

    const wrong = await t.toss("POST", "/v1/payments/confirm", { paymentKey: payment.paymentKey, orderId: payment.orderId, amount: 1000 });
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe("INVALID_REQUEST");
    const right = await t.toss("POST", "/v1/payments/confirm", { paymentKey: payment.paymentKey, orderId: payment.orderId, amount: 39_000 });
    expect(right.body.status).toBe("DONE");
  });

  it("confirms to DONE with approvedAt and method 카드, sends PAYMENT_STATUS_CHANGED, and refuses a second confirm", async () => {
    const payment = await createWindow();
    await approveInWindow(payment);
    const body = { paymentKey: payment.paymentKey, orderId: payment.orderId, amount: 39_000 };

    const confirmed = await t.toss("POST", "/v1/payments/confirm", body);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ status: "DONE", method: "카드", totalAmount: 39_000, orderId: payment.orderId });
    expect(confirmed.body.approvedAt).toMatch(/\+09:00$/);

    const twice = await t.toss("POST", "/v1/payments/confirm", body);
    expect(twice.status).toBe(400);
    expect(twice.body.code).toBe("ALREADY_PROCESSED_PAYMENT");

    const [event] = await waitFor("the Toss events", () => tossEvents(t.receiver).length > 0 && tossEvents(t.receiver));
    expect(event.eventType).toBe("PAYMENT_STATUS_CHANGED");
    expect(event.data).toMatchObject({ paymentKey: payment.paymentKey, status: "DONE" });
    const raw = t.receiver.requests[0];
    expect(raw.headers["stripe-signature"]).toBeUndefined();
  });

  it("replays the first confirm answer for a repeated Idempotency-Key", async () => {
    const payment = await createWindow();
    await approveInWindow(payment);
    const body = { paymentKey: payment.paymentKey, orderId: payment.orderId, amount: 39_000 };

    const first = await t.toss("POST", "/v1/payments/confirm", body, { "Idempotency-Key": "confirm-chk_7" });
    const replay = await t.toss("POST", "/v1/payments/confirm", body, { "Idempotency-Key": "confirm-chk_7" });
    expect(replay).toEqual(first);
    expect(replay.status).toBe(200);
  });

  it("replays an error answer too, and the first answer for the key even to another body (key, secret key, URL and method)", async () => {
    const payment = await createWindow();
    await approveInWindow(payment);
    const wrongAmount = await t.toss("POST", "/v1/payments/confirm", { paymentKey: payment.paymentKey, orderId: payment.orderId, amount: 1 }, { "Idempotency-Key": "k-err" });
    expect(wrongAmount.body.code).toBe("INVALID_REQUEST");
    const right = { paymentKey: payment.paymentKey, orderId: payment.orderId, amount: 39_000 };
    expect(await t.toss("POST", "/v1/payments/confirm", right, { "Idempotency-Key": "k-err" })).toEqual(wrongAmount);
    expect((await t.toss("POST", "/v1/payments/confirm", right, { "Idempotency-Key": "k-new" })).body.status).toBe("DONE");
    // Another URL or method with the same key is another request.
    const lookedUp = await t.toss("GET", `/v1/payments/${payment.paymentKey}`, undefined, { "Idempotency-Key": "k-err" });
    expect(lookedUp.status).toBe(200);
  });

  it("answers 409 IDEMPOTENT_REQUEST_PROCESSING to a key whose first request is still running", async () => {
    const payment = await createWindow();
    await approveInWindow(payment);
    await t.control("POST", "/_sandbox/faults", { kind: "latency", provider: "toss", ms: 300 });
    const body = { paymentKey: payment.paymentKey, orderId: payment.orderId, amount: 39_000 };
    const first = t.toss("POST", "/v1/payments/confirm", body, { "Idempotency-Key": "k-busy" });
    await faultsFired(t);
    const second = await t.toss("POST", "/v1/payments/confirm", body, { "Idempotency-Key": "k-busy" });
    expect(second).toEqual({ status: 409, body: { code: "IDEMPOTENT_REQUEST_PROCESSING", message: expect.any(String) } });
    expect((await first).body.status).toBe("DONE");
  });

  it("answers NOT_FOUND_PAYMENT_SESSION when confirming more than 10 minutes after approval", async () => {
    const payment = await createWindow();
    await approveInWindow(payment);
    await t.control("POST", "/_sandbox/clock/advance", { seconds: 10 * 60 + 5 });

    const late = await t.toss("POST", "/v1/payments/confirm", { paymentKey: payment.paymentKey, orderId: payment.orderId, amount: 39_000 });
    expect(late.status).toBe(404);
    expect(late.body.code).toBe("NOT_FOUND_PAYMENT_SESSION");
    const expired = await waitFor("the EXPIRED notice", () => tossEvents(t.receiver).find((e) => e.data.status === "EXPIRED"));
    expect(expired.data.paymentKey).toBe(payment.paymentKey);
  });

  it("cancels part then the rest: PARTIAL_CANCELED, then CANCELED, each with a webhook", async () => {
    const payment = await createWindow();
    await approveInWindow(payment);
    await t.toss("POST", "/v1/payments/confirm", { paymentKey: payment.paymentKey, orderId: payment.orderId, amount: 39_000 });

    const partial = await t.toss("POST", `/v1/payments/${payment.paymentKey}/cancel`, { cancelReason: "one item", cancelAmount: 9_000 });
    expect(partial.body).toMatchObject({ status: "PARTIAL_CANCELED", balanceAmount: 30_000 });
    const tooMuch = await t.toss("POST", `/v1/payments/${payment.paymentKey}/cancel`, { cancelReason: "x", cancelAmount: 30_001 });
    expect(tooMuch.body.code).toBe("NOT_CANCELABLE_AMOUNT");
    const rest = await t.toss("POST", `/v1/payments/${payment.paymentKey}/cancel`, { cancelReason: "refund" }, { "Idempotency-Key": "cancel-1" });
    expect(rest.body).toMatchObject({ status: "CANCELED", balanceAmount: 0 });
    expect(rest.body.cancels.map((c: { cancelAmount: number }) => c.cancelAmount)).toEqual([9_000, 30_000]);
    const again = await t.toss("POST", `/v1/payments/${payment.paymentKey}/cancel`, { cancelReason: "refund" });
    expect(again.body.code).toBe("ALREADY_CANCELED_PAYMENT");

    const statuses = await waitFor("the Toss events", () => {
      const seen = tossEvents(t.receiver).map((e) => e.data.status);
      return seen.length === 3 && seen;
    });
    expect(statuses).toEqual(["DONE", "PARTIAL_CANCELED", "CANCELED"]);
  });

  it("looks up confirmed payments by orderId and by paymentKey, answers NOT_FOUND_PAYMENT otherwise, and 403 to a repeat too soon", async () => {
    const payment = await createWindow();
    const unconfirmed = await t.toss("GET", `/v1/payments/orders/${payment.orderId}`);
    expect(unconfirmed).toEqual({ status: 404, body: { code: "NOT_FOUND_PAYMENT", message: expect.any(String) } });
    await approveInWindow(payment);
    await t.toss("POST", "/v1/payments/confirm", { paymentKey: payment.paymentKey, orderId: payment.orderId, amount: 39_000 });

    const byOrder = await t.toss("GET", `/v1/payments/orders/${payment.orderId}`);
    expect(byOrder.status).toBe(200);
    expect(byOrder.body).toMatchObject({ paymentKey: payment.paymentKey, status: "DONE" });
    const tooSoon = await t.toss("GET", `/v1/payments/${payment.paymentKey}`);
    expect(tooSoon).toEqual({ status: 403, body: { code: "FORBIDDEN_CONSECUTIVE_REQUEST", message: expect.any(String) } });
    // Moments later, on the sandbox's clock.
    await t.control("POST", "/_sandbox/clock/advance", { ms: 350 });
    const byKey = await t.toss("GET", `/v1/payments/${payment.paymentKey}`);
    expect(byKey.body.orderId).toBe(payment.orderId);
    const missing = await t.toss("GET", "/v1/payments/orders/order_unknown_1");
    expect(missing).toEqual({ status: 404, body: { code: "NOT_FOUND_PAYMENT", message: expect.any(String) } });
  });

  it("cancel in the window sends the shopper to failUrl with PAY_PROCESS_CANCELED", async () => {
    const payment = await createWindow();
    const response = await fetch(`${payment.checkout.url}/cancel`, { method: "POST", redirect: "manual" });
    const fail = new URL(response.headers.get("location") as string);

    expect(response.status).toBe(303);
    expect(fail.pathname).toBe("/checkout/chk_7/fail");
    expect(fail.searchParams.get("code")).toBe("PAY_PROCESS_CANCELED");
    expect(fail.searchParams.get("orderId")).toBe(payment.orderId);
    expect(fail.searchParams.get("message")).toBeTruthy();
  });

  it("decline in the window sends REJECT_CARD_COMPANY to failUrl and the payment becomes ABORTED", async () => {
    const payment = await createWindow();
    const response = await fetch(`${payment.checkout.url}/decline`, { method: "POST", redirect: "manual" });
    const fail = new URL(response.headers.get("location") as string);

    expect(fail.searchParams.get("code")).toBe("REJECT_CARD_COMPANY");
    const event = await waitFor("the Toss events", () => tossEvents(t.receiver)[0]);
    expect(event.data.status).toBe("ABORTED");
  });

  it("expires a window nobody approves within 30 minutes", async () => {
    const payment = await createWindow();
    await t.control("POST", "/_sandbox/clock/advance", { seconds: 31 * 60 });

    const event = await waitFor("the Toss events", () => tossEvents(t.receiver).find((e) => e.data.paymentKey === payment.paymentKey));
    expect(event.data.status).toBe("EXPIRED");
    const page = await fetch(payment.checkout.url);
    expect(page.status).toBe(410);
    // The end page leads back to the shop that sent the shopper, inside landmarks.
    const html = await page.text();
    expect(html).toContain(`<a href="${new URL(tossWindowRequest().failUrl).origin}/">상점으로 돌아가기</a>`);
    expect(html).toMatch(/<main>[\s\S]*<h1>/);
  });

  it("answers POST /v1/payments with 404, as an unknown route, once the server-created window is switched off", async () => {
    expect((await t.control("POST", "/_sandbox/config", { tossServerWindow: false })).body.tossServerWindow).toBe(false);
    const refused = await t.toss("POST", "/v1/payments", tossWindowRequest());
    expect(refused).toEqual({ status: 404, body: { code: "NOT_FOUND", message: expect.any(String) } });
    const log = await t.control("GET", "/_sandbox/requests?method=POST&path=/v1/payments");
    expect(log.body.data.map((r: { status: number }) => r.status)).toEqual([404]);
  });
});
