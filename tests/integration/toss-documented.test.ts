import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { env } from "~/env.server";
import { action as cartAction } from "~/routes/cart";
import { loader as successLoader } from "~/routes/checkout.$sessionId.success";
import { action as tossWebhook } from "~/routes/webhooks.toss";
import { refundDuplicateLines } from "~/services/checkout/settle.server";
import { visitSuccessPage } from "../support/pages";
import { usePaymentWorld, type PaymentWorld } from "../support/payment-world";
import { respond, type Visitor } from "../support/requests";
import { tossAuthorization } from "../support/sandbox";
import { waitFor } from "../support/wait";
import { createProducts, createUser, downloadCounts, itemsOf, rowCounts, visitorFor } from "../support/shop";

// TossPayments as its reference documents it: the browser SDK's window first,
// confirm errors by class, lookups of confirmed payments only, and unsigned
// webhooks believed only after asking Toss.

let world: PaymentWorld;
usePaymentWorld((started) => (world = started));

async function shopper(products = 2) {
  const buyer = await createUser();
  const visitor = await visitorFor(buyer);
  const cart = await createProducts(products, { currency: "KRW", price: 18_000 });
  return { buyer, visitor, cart };
}

/** 결제하기 in the KRW group: with JavaScript (`enhanced`) or without. */
function post(visitor: Visitor, cart: Array<{ id: string; price: number; currency: string }>, { javascript = false } = {}) {
  const fields: Record<string, string> = { intent: "checkout", items: itemsOf(cart) };
  if (javascript) fields.enhanced = "1";
  return respond(() => cartAction({ request: visitor.post("/cart", fields), params: {}, context: {} }));
}

/** The payment as Toss's API shows it now. */
async function paymentAtToss(paymentKey: string) {
  return waitFor(
    "the payment at Toss",
    async () => {
      const answer = await fetch(`${world.sandbox.url}/v1/payments/${paymentKey}`, { headers: { Authorization: tossAuthorization(world.keys.tossSecretKey) } });
      return answer.status === 200 ? ((await answer.json()) as { status: string; balanceAmount: number; cancels: Array<{ cancelAmount: number }> }) : undefined;
    },
    // Toss answers a lookup repeated within moments with 403: ask less often than that.
    { everyMs: 500 },
  );
}

/** Lookups of payments at Toss so far (GET /v1/payments/{paymentKey}), as the sandbox logged them. */
async function lookupsAtToss() {
  const { body } = await world.control<{ data: Array<{ path: string }> }>("GET", "/_sandbox/requests?method=GET");
  return body.data.filter((request) => /^\/v1\/payments\/(?!orders\/)[^/]+$/.test(request.path)).length;
}

async function serverWindowCalls() {
  const { body } = await world.control<{ data: unknown[] }>("GET", "/_sandbox/requests?method=POST&path=/v1/payments");
  return body.data.length;
}

async function withSandboxServerWindow<T>(on: boolean, work: () => Promise<T>): Promise<T> {
  await world.control("POST", "/_sandbox/config", { tossServerWindow: on });
  try {
    return await work();
  } finally {
    await world.control("POST", "/_sandbox/config", { tossServerWindow: true });
  }
}

/** Opens the window as the SDK does, approves it, and returns to the shop. */
async function payThroughSdk(visitor: Visitor, sdk: { clientKey: string; method: string; payment: { orderId: string } }) {
  const window = await fetch(
    `${world.sandbox.url}/v1/sdk/payment/window?${new URLSearchParams({ clientKey: sdk.clientKey, method: sdk.method, params: JSON.stringify(sdk.payment) })}`,
    { redirect: "manual" },
  );
  expect(window.status).toBe(303);
  const { body } = await world.control<{ redirectUrl: string }>("POST", `/_sandbox/toss/payments/${sdk.payment.orderId}/approve`);
  return new URL(body.redirectUrl);
}

describe("the SDK's window first", () => {
  it("with JavaScript, opens the checkout without any server-side window call, and the SDK's window pays it even with that endpoint switched off", async () => {
    const { buyer, visitor, cart } = await shopper(3);
    const before = await serverWindowCalls();
    await withSandboxServerWindow(false, async () => {
      const answer = await post(visitor, cart, { javascript: true });
      expect(answer.status).toBe(200);
      const body = await answer.json();
      const total = cart.reduce((sum, product) => sum + product.price, 0);
      expect(body).toMatchObject({ ok: true, redirectUrl: null, toss: { method: "카드", payment: { amount: total } } });
      const back = await payThroughSdk(visitor, body.toss);
      const { data } = await visitSuccessPage(visitor, body.sessionId, `${back.pathname}${back.search}`);
      expect(data.checkout.status).toBe("PAID");
    });
    expect(await serverWindowCalls()).toBe(before);
    expect(await rowCounts(buyer.id)).toMatchObject({ sessions: 1, orders: 3, entitlements: 3 });
  });

  it("without JavaScript and with Toss refusing its server-created window, explains and keeps the cart, writing no rows", async () => {
    const { buyer, visitor, cart } = await shopper();
    const answer = await withSandboxServerWindow(false, () => post(visitor, cart));
    expect(answer.status).toBe(422);
    expect((await answer.json()).message).toMatch(/needs JavaScript: turn it on and press 결제하기 again\. Nothing was charged/);
    expect(answer.headers.get("Set-Cookie")).toBeNull();
    expect(await rowCounts(buyer.id)).toEqual({ sessions: 0, orders: 0, payments: 0, entitlements: 0 });
  });

  it("without JavaScript and with TOSS_SERVER_WINDOW off, explains without calling Toss or writing anything", async () => {
    const { buyer, visitor, cart } = await shopper();
    const before = await serverWindowCalls();
    const settings = env();
    settings.TOSS_SERVER_WINDOW = false;
    try {
      const answer = await post(visitor, cart);
      expect(answer.status).toBe(422);
      expect((await answer.json()).message).toMatch(/needs JavaScript/);
    } finally {
      settings.TOSS_SERVER_WINDOW = true;
    }
    expect(await serverWindowCalls()).toBe(before);
    expect(await rowCounts(buyer.id)).toEqual({ sessions: 0, orders: 0, payments: 0, entitlements: 0 });
  });
});

describe("confirm errors", () => {
  async function approved() {
    const { buyer, visitor, cart } = await shopper();
    const answer = await post(visitor, cart, { javascript: true });
    const body = await answer.json();
    await world.control("POST", "/_sandbox/faults", { kind: "webhook_drop", provider: "toss", target: body.toss.payment.orderId });
    return { buyer, visitor, sessionId: body.sessionId as string, orderId: body.toss.payment.orderId as string, back: await payThroughSdk(visitor, body.toss) };
  }

  it("ends a checkout FAILED with Toss's message when the card is declined at confirm", async () => {
    const { buyer, visitor, sessionId, orderId, back } = await approved();
    await world.control("POST", "/_sandbox/faults", { kind: "confirm_error", code: "REJECT_CARD_PAYMENT", target: orderId });
    const { data } = await visitSuccessPage(visitor, sessionId, `${back.pathname}${back.search}`);
    expect(data.checkout).toMatchObject({ status: "FAILED", failureCode: "REJECT_CARD_PAYMENT", failureMessage: "한도초과 혹은 잔액부족으로 결제에 실패했습니다." });
    expect((await rowCounts(buyer.id)).entitlements).toBe(0);
  });

  it("keeps a checkout PENDING through a transient confirm error, keeps the approval's paymentKey, and the page's next look confirms it under a new key", async () => {
    const { buyer, visitor, sessionId, orderId, back } = await approved();
    await world.control("POST", "/_sandbox/faults", { kind: "confirm_error", code: "PROVIDER_ERROR", target: orderId, times: 1 });
    const returned = await respond(() => successLoader({ request: visitor.get(`${back.pathname}${back.search}`), params: { sessionId }, context: {} }));
    expect(returned.status).toBe(303);
    expect((await db().checkoutSession.findUniqueOrThrow({ where: { id: sessionId } })).status).toBe("PENDING");
    const payment = await db().payment.findUniqueOrThrow({ where: { checkoutSessionId: sessionId } });
    expect(payment).toMatchObject({ status: "PENDING", providerPaymentId: back.searchParams.get("paymentKey"), confirmAttempt: 1 });

    const { data } = await visitSuccessPage(visitor, sessionId);
    expect(data.checkout.status).toBe("PAID");
    expect((await rowCounts(buyer.id)).entitlements).toBe(2);
  });

  it("tells the shopper an approved payment is being processed, without putting its paymentKey in the page", async () => {
    const { visitor, sessionId, orderId, back } = await approved();
    await world.control("POST", "/_sandbox/faults", { kind: "confirm_error", code: "PROVIDER_ERROR", target: orderId, times: 2 });
    await respond(() => successLoader({ request: visitor.get(`${back.pathname}${back.search}`), params: { sessionId }, context: {} }));

    const { page, data } = await visitSuccessPage(visitor, sessionId);
    expect(data.checkout).toMatchObject({ status: "PENDING", paymentUnderWay: true });
    expect(JSON.stringify(data)).not.toContain(back.searchParams.get("paymentKey")!);
    expect(page.status).toBe(200);
  });

  it("settles an already processed payment only if it is this order's: another order's paymentKey settles nothing", async () => {
    const other = await approved();
    await visitSuccessPage(other.visitor, other.sessionId, `${other.back.pathname}${other.back.search}`);
    expect((await db().checkoutSession.findUniqueOrThrow({ where: { id: other.sessionId } })).status).toBe("PAID");

    const mine = await approved();
    const forged = new URL(mine.back);
    forged.searchParams.set("paymentKey", other.back.searchParams.get("paymentKey")!);
    await visitSuccessPage(mine.visitor, mine.sessionId, `${forged.pathname}${forged.search}`);
    // Toss answered the lookup (the same amount, another order), and nothing was settled.
    const { body: log } = await world.control<{ data: Array<{ status: number }> }>("GET", `/_sandbox/requests?method=GET&path=/v1/payments/${other.back.searchParams.get("paymentKey")}`);
    expect(log.data.map((r) => r.status)).toEqual([200]);
    expect((await db().checkoutSession.findUniqueOrThrow({ where: { id: mine.sessionId } })).status).toBe("PENDING");
    expect((await rowCounts(mine.buyer.id)).entitlements).toBe(0);
  });
});

async function postWebhook(body: string) {
  const request = new Request("http://localhost/webhooks/toss", { method: "POST", body, headers: { "Content-Type": "application/json" } });
  return respond(() => tossWebhook({ request, params: {}, context: {} }));
}

describe("a product paid twice anyway", () => {
  it("cancels the duplicate line's amount at Toss (cancelAmount), records it on that order, and keeps the checkout PAID", async () => {
    const { buyer, visitor, cart } = await shopper(3);
    const [a, b, c] = cart;
    // Two open checkouts holding A, as data from before one open checkout per
    // currency could hold: [A, C] set aside while [A, B] opens and is paid.
    const first = await (await post(visitor, [a, c], { javascript: true })).json();
    await db().checkoutSession.update({ where: { id: first.sessionId }, data: { status: "EXPIRED" } });
    const second = await (await post(visitor, [a, b], { javascript: true })).json();
    const paySecond = await payThroughSdk(visitor, second.toss);
    expect((await visitSuccessPage(visitor, second.sessionId, `${paySecond.pathname}${paySecond.search}`)).data.checkout.status).toBe("PAID");
    await db().checkoutSession.update({ where: { id: first.sessionId }, data: { status: "PENDING" } });
    const payFirst = await payThroughSdk(visitor, first.toss);
    await visitSuccessPage(visitor, first.sessionId, `${payFirst.pathname}${payFirst.search}`);

    const settled = await db().checkoutSession.findUniqueOrThrow({ where: { id: first.sessionId }, include: { orders: true, payment: true } });
    expect(settled.status).toBe("PAID");
    expect(settled.orders.find((order) => order.productId === a.id)).toMatchObject({ status: "REFUNDED", providerRefundId: expect.any(String) });
    expect(settled.orders.find((order) => order.productId === c.id)!.status).toBe("PAID");
    expect(await rowCounts(buyer.id)).toMatchObject({ entitlements: 3 });
    expect(await downloadCounts([a, b, c])).toEqual([1, 1, 1]);

    // At Toss: A's price cancelled from that payment, which stands for C's.
    const atToss = await paymentAtToss(settled.payment!.providerPaymentId!);
    expect(atToss).toMatchObject({ status: "PARTIAL_CANCELED", balanceAmount: c.price });
    expect(atToss.cancels.map((cancel) => cancel.cancelAmount)).toEqual([a.price]);
  });
});

describe("a duplicate line's cancel whose answer was lost", () => {
  it("finds the cancel Toss made despite its 500, and never cancels the line twice", async () => {
    const { visitor, cart } = await shopper(2);
    const [a, b] = cart;
    const first = await (await post(visitor, [a], { javascript: true })).json();
    await db().checkoutSession.update({ where: { id: first.sessionId }, data: { status: "EXPIRED" } });
    const second = await (await post(visitor, [a, b], { javascript: true })).json();
    const paySecond = await payThroughSdk(visitor, second.toss);
    await visitSuccessPage(visitor, second.sessionId, `${paySecond.pathname}${paySecond.search}`);
    await db().checkoutSession.update({ where: { id: first.sessionId }, data: { status: "PENDING" } });
    await world.control("POST", "/_sandbox/faults", { kind: "refund_error", provider: "toss", applied: true, target: first.toss.payment.orderId });
    const payFirst = await payThroughSdk(visitor, first.toss);
    await visitSuccessPage(visitor, first.sessionId, `${payFirst.pathname}${payFirst.search}`);
    const lineOfA = () => db().order.findFirstOrThrow({ where: { checkoutSessionId: first.sessionId, productId: a.id }, include: { checkoutSession: { include: { payment: true } } } });
    expect(await lineOfA()).toMatchObject({ status: "REFUNDED", providerRefundId: null, refundAttempt: 1 });

    const retried = await waitFor(
      "the refund's next attempt",
      async () => {
        const result = await refundDuplicateLines({ sessionId: first.sessionId });
        return result.refunded === 1 ? result : undefined;
      },
      // A lookup right after the cancel's own is refused by Toss (403): a later run asks again.
      { everyMs: 500 },
    );
    expect(retried).toEqual({ due: 1, refunded: 1 });
    const line = await lineOfA();
    expect(line.providerRefundId).toMatch(/^txcl_/);
    const { body: cancels } = await world.control<{ data: unknown[] }>(
      "GET",
      `/_sandbox/requests?method=POST&path=/v1/payments/${line.checkoutSession.payment!.providerPaymentId}/cancel`,
    );
    expect(cancels.data).toHaveLength(1);
    const atToss = await paymentAtToss(line.checkoutSession.payment!.providerPaymentId!);
    expect(atToss).toMatchObject({ balanceAmount: 0, cancels: [expect.objectContaining({ cancelAmount: a.price })] });
  });
});

describe("unsigned webhooks", () => {
  it("answers a forged event whose re-fetch fails with 503 and stores nothing, and the genuine delivery that follows still settles", async () => {
    const { buyer, visitor, cart } = await shopper();
    const body = await (await post(visitor, cart, { javascript: true })).json();
    const back = await payThroughSdk(visitor, body.toss);
    const paymentKey = back.searchParams.get("paymentKey")!;
    await world.control("POST", "/_sandbox/faults", { kind: "lookup_error", target: paymentKey, times: 1 });

    const orderId = body.toss.payment.orderId;
    const forged = await postWebhook(JSON.stringify({ eventType: "PAYMENT_STATUS_CHANGED", data: { paymentKey, orderId, status: "DONE", totalAmount: 1 } }));
    expect(forged.status).toBe(503);
    expect(await db().webhookEvent.count({ where: { provider: "TOSS", eventId: { contains: paymentKey } } })).toBe(0);

    // Another server confirmed, then died before settling: only Toss's own webhook is left to settle it.
    const confirmed = await fetch(`${world.sandbox.url}/v1/payments/confirm`, {
      method: "POST",
      headers: { Authorization: tossAuthorization(world.keys.tossSecretKey), "Content-Type": "application/json" },
      body: JSON.stringify({ paymentKey, orderId: body.toss.payment.orderId, amount: body.toss.payment.amount }),
    });
    expect(confirmed.status).toBe(200);
    await world.webhooksSettled();
    expect((await db().checkoutSession.findUniqueOrThrow({ where: { id: body.sessionId } })).status).toBe("PAID");
    expect((await rowCounts(buyer.id)).entitlements).toBe(2);
    const stored = await db().webhookEvent.findMany({ where: { provider: "TOSS", eventId: { contains: paymentKey } } });
    expect(stored.map((event) => event.eventId)).toEqual([`PAYMENT_STATUS_CHANGED:${paymentKey}:DONE`]);
  });

  it("refuses a body over 64 KB with 413 and answers event types it does not act on with 200, storing neither", async () => {
    const tag = randomUUID();
    const huge = JSON.stringify({ eventType: "PAYMENT_STATUS_CHANGED", data: { paymentKey: `pk_huge_${tag}`, orderId: tag, padding: "a".repeat(70 * 1024) } });
    expect((await postWebhook(huge)).status).toBe(413);
    const other = await postWebhook(JSON.stringify({ eventType: "DEPOSIT_CALLBACK", data: { paymentKey: `pk_deposit_${tag}`, orderId: tag } }));
    expect(other.status).toBe(200);
    expect((await other.json()).ignored).toMatch(/not an event the shop acts on/);
    expect(await db().webhookEvent.count({ where: { provider: "TOSS", eventId: { contains: tag } } })).toBe(0);
  });

  it("looks a payment up at most once every few seconds, however many posts name it or its order", async () => {
    const { visitor, cart } = await shopper();
    const body = await (await post(visitor, cart, { javascript: true })).json();
    const back = await payThroughSdk(visitor, body.toss);
    const paymentKey = back.searchParams.get("paymentKey")!;
    const orderId = body.toss.payment.orderId;
    const before = await lookupsAtToss();
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        // Half name the payment, half the order with a made-up paymentKey each.
        postWebhook(JSON.stringify({ eventType: "PAYMENT_STATUS_CHANGED", data: { paymentKey: i % 2 ? `${paymentKey}-${i}` : paymentKey, orderId, status: `S${i}` } })),
      ),
    );
    expect((await lookupsAtToss()) - before).toBe(1);
    expect(answers.filter((a) => a.status === 503).length).toBe(7);
  });

  it("never asks Toss about an order no checkout of the shop opened", async () => {
    const tag = randomUUID();
    const before = await lookupsAtToss();
    const answers = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        postWebhook(JSON.stringify({ eventType: "PAYMENT_STATUS_CHANGED", data: { paymentKey: `pk_${tag}_${i}`, orderId: `order-${tag}-${i}`, status: "DONE" } })),
      ),
    );
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect((await answer.json()).ignored).toMatch(/no checkout of this shop/);
    }
    expect(await lookupsAtToss()).toBe(before);
    expect(await db().webhookEvent.count({ where: { provider: "TOSS", eventId: { contains: tag } } })).toBe(0);
  });
});

describe("the checkout's page", () => {
  it("reads the shop's database while it polls, asking Toss at most once in ten seconds", async () => {
    const { visitor, cart } = await shopper();
    const body = await (await post(visitor, cart, { javascript: true })).json();
    const orderPath = `/v1/payments/orders/${body.toss.payment.orderId}`;
    for (let i = 0; i < 5; i++) {
      const { data } = await visitSuccessPage(visitor, body.sessionId);
      expect(data.checkout.status).toBe("PENDING");
    }
    const { body: log } = await world.control<{ data: unknown[] }>("GET", `/_sandbox/requests?method=GET&path=${orderPath}`);
    expect(log.data).toHaveLength(1);
  });
});
