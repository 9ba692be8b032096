import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { KEYS, type TestSandbox, useTestSandbox } from "./support.ts";

let t: TestSandbox;
let counter = 0;

useTestSandbox((sandbox) => (t = sandbox));

function cardParams(overrides: Record<string, unknown> = {}) {
  counter += 1;
  return {
    amount: 69_900,
    orderId: `order_sdk_${Date.now()}_${counter}`,
    orderName: "한국어 마케팅 카피 프롬프트 팩 외 2건",
    successUrl: "http://shop.test/checkout/chk_9/success",
    failUrl: "http://shop.test/checkout/chk_9/fail",
    customerName: "E2E Shopper",
    customerEmail: "shopper@example.test",
    ...overrides,
  };
}

/** Loads the served script into a bare window, as a browser would; navigations are collected. */
async function loadScriptInWindow() {
  const response = await fetch(`${t.base}/v1/sdk/payment`);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/javascript/);
  const navigations: string[] = [];
  const window: Record<string, any> = { location: { assign: (url: string) => navigations.push(url) } };
  runInNewContext(await response.text(), { window, URL, Promise, JSON, Error, Number });
  return { TossPayments: window.TossPayments as (clientKey: string) => any, navigations };
}

/** What the browser gets when it follows requestPayment's navigation to the sandbox. */
async function openFromSdk(params: unknown, { clientKey = KEYS.tossClientKey as string, method = "카드" } = {}) {
  const url = new URL(`${t.base}/v1/sdk/payment/window`);
  url.searchParams.set("clientKey", clientKey);
  url.searchParams.set("method", method);
  url.searchParams.set("params", JSON.stringify(params));
  const response = await fetch(url, { redirect: "manual" });
  return { status: response.status, location: response.headers.get("location"), page: await response.text() };
}

const REFUSED: Array<[Record<string, unknown>, string]> = [
  [{ amount: 1000.5 }, "INVALID_REQUEST"],
  [{ amount: "69900" }, "INVALID_REQUEST"],
  [{ amount: 0 }, "BELOW_MINIMUM_AMOUNT"],
  [{ amount: 99 }, "BELOW_MINIMUM_AMOUNT"],
  [{ orderId: "order" }, "INVALID_REQUEST"],
  [{ orderId: `o${"x".repeat(64)}` }, "INVALID_REQUEST"],
  [{ orderId: "주문번호_123456" }, "INVALID_REQUEST"],
  [{ orderId: "order/123456" }, "INVALID_REQUEST"],
  [{ orderName: "가".repeat(101) }, "INVALID_REQUEST"],
  [{ orderName: "" }, "INVALID_REQUEST"],
  [{ successUrl: "/checkout/chk_9/success" }, "INVALID_REQUEST"],
  [{ failUrl: "javascript:alert(1)" }, "INVALID_REQUEST"],
];

describe("the TossPayments SDK stand-in", () => {
  it("serves a script whose requestPayment sends the browser to a sandbox window that redirects to successUrl", async () => {
    const { TossPayments, navigations } = await loadScriptInWindow();
    const params = cardParams();
    void TossPayments(KEYS.tossClientKey).requestPayment("카드", params);
    expect(navigations).toHaveLength(1);

    const opened = await fetch(navigations[0], { redirect: "manual" });
    expect(opened.status).toBe(303);
    const windowUrl = opened.headers.get("location") as string;
    expect(windowUrl).toMatch(new RegExp(`^${t.sandbox.url}/v1/payments/[^/]+/checkout$`));
    const page = await (await fetch(windowUrl)).text();
    expect(page).toContain("₩69,900");
    expect(page).toContain(params.orderName);

    const approved = await fetch(`${windowUrl}/approve`, { method: "POST", redirect: "manual" });
    expect(approved.status).toBe(303);
    const success = new URL(approved.headers.get("location") as string);
    expect(`${success.origin}${success.pathname}`).toBe(params.successUrl);
    expect(success.searchParams.get("paymentType")).toBe("NORMAL");
    expect(success.searchParams.get("orderId")).toBe(params.orderId);
    expect(success.searchParams.get("amount")).toBe("69900");
    const paymentKey = success.searchParams.get("paymentKey") as string;
    expect(windowUrl).toContain(paymentKey);

    const record = (await t.control("GET", "/_sandbox/sdk-calls")).body;
    expect(record.scriptLoads).toHaveLength(1);
    expect(record.data).toEqual([
      expect.objectContaining({ ok: true, clientKey: KEYS.tossClientKey, method: "카드", params, orderId: params.orderId, paymentKey, checkoutUrl: windowUrl }),
    ]);
  });

  it("cancelling in a window the SDK opened goes to failUrl like the server-created window", async () => {
    const params = cardParams();
    const opened = await openFromSdk(params);
    const canceled = await fetch(`${opened.location}/cancel`, { method: "POST", redirect: "manual" });
    const fail = new URL(canceled.headers.get("location") as string);
    expect(`${fail.origin}${fail.pathname}`).toBe(params.failUrl);
    expect(fail.searchParams.get("code")).toBe("PAY_PROCESS_CANCELED");
    expect(fail.searchParams.get("orderId")).toBe(params.orderId);
  });

  it("rejects requestPayment with Toss's code, and navigates nowhere, for parameters Toss refuses", async () => {
    const { TossPayments, navigations } = await loadScriptInWindow();
    const payments = TossPayments(KEYS.tossClientKey);
    for (const [override, code] of REFUSED) {
      const error = await payments.requestPayment("카드", cardParams(override)).catch((e: unknown) => e);
      expect(error, JSON.stringify(override)).toMatchObject({ name: "TossPaymentsError", code });
    }
    await expect(TossPayments("test_ck_someone_else").requestPayment("카드", cardParams())).rejects.toMatchObject({ code: "UNAUTHORIZED_KEY" });
    await expect(payments.requestPayment("가상계좌", cardParams())).rejects.toMatchObject({ code: "NOT_SUPPORTED_METHOD" });
    expect(navigations).toEqual([]);
  });

  it("checks the same rules again when the browser arrives, and opens no window for a refused call", async () => {
    for (const [override, code] of REFUSED) {
      const answer = await openFromSdk(cardParams(override));
      expect(answer.status, JSON.stringify(override)).toBe(400);
      expect(answer.page).toContain(code);
    }
    for (const override of [{ orderId: "a".repeat(64) }, { orderId: "Ab_-12" }, { orderName: "가".repeat(100) }]) {
      expect((await openFromSdk(cardParams(override))).status, JSON.stringify(override)).toBe(303);
    }
    expect((await openFromSdk(cardParams(), { clientKey: "test_ck_someone_else" })).status).toBe(401);
    expect((await openFromSdk(cardParams(), { clientKey: KEYS.tossSecretKey })).status).toBe(401);
    expect((await openFromSdk(cardParams(), { method: "가상계좌" })).page).toContain("NOT_SUPPORTED_METHOD");

    const record = (await t.control("GET", "/_sandbox/sdk-calls")).body;
    expect(record.data.filter((call: { ok: boolean }) => !call.ok)).toHaveLength(REFUSED.length + 3);
    expect(record.data.filter((call: { ok: boolean }) => call.ok)).toHaveLength(3);
  });

  it("opens a window for an order whose server-created window is unused, and only one of the two can be approved", async () => {
    const params = cardParams();
    const serverCreated = await t.toss("POST", "/v1/payments", { method: "CARD", ...params });
    expect(serverCreated.status).toBe(200);

    const sdk = await openFromSdk(params);
    expect(sdk.status).toBe(303);
    expect(sdk.location).not.toBe(serverCreated.body.checkout.url);
    expect((await fetch(`${sdk.location}/approve`, { method: "POST", redirect: "manual" })).status).toBe(303);

    const second = await fetch(`${serverCreated.body.checkout.url}/approve`, { method: "POST", redirect: "manual" });
    expect(second.status).toBe(409);
    expect(await second.text()).toContain("중복된 주문번호");
    const again = await openFromSdk(params);
    expect(again.status).toBe(400);
    expect(again.page).toContain("DUPLICATED_ORDER_ID");
  });

  it("answers the script with the status of an sdk_script_error fault, once, and records each load", async () => {
    const added = await t.control("POST", "/_sandbox/faults", { kind: "sdk_script_error", status: 503 });
    expect(added.status).toBe(201);
    expect((await fetch(`${t.base}/v1/sdk/payment`)).status).toBe(503);
    expect((await fetch(`${t.base}/v1/sdk/payment`)).status).toBe(200);
    const record = (await t.control("GET", "/_sandbox/sdk-calls")).body;
    expect(record.scriptLoads.map((load: { status: number }) => load.status)).toEqual([503, 200]);

    await t.control("DELETE", "/_sandbox/sdk-calls");
    expect((await t.control("GET", "/_sandbox/sdk-calls")).body).toEqual({ scriptLoads: [], data: [] });
  });
});
