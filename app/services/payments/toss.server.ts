import http from "node:http";
import https from "node:https";
import { z } from "zod";
import { env } from "~/env.server";
import { toTossAmount } from "~/services/money";
import type {
  CheckoutRequest,
  CreateCheckoutResult,
  EndCheckoutResult,
  PaymentOutcome,
  PaymentProvider,
  SessionForProvider,
  SettledPayment,
  WebhookResult,
} from "~/services/payments/provider";
import { tossOrderName, tossReturnUrls } from "~/services/payments/toss-params";

// TossPayments over its REST API with fetch. TOSS_API_BASE (the sandbox in
// development and tests) changes only where requests go.

const TossPayment = z
  .object({
    paymentKey: z.string(),
    orderId: z.string(),
    status: z.string(),
    totalAmount: z.number(),
    currency: z.string().default("KRW"),
    checkout: z.object({ url: z.string().url() }).nullish(),
  })
  .passthrough();
type TossPayment = z.infer<typeof TossPayment>;

const TossError = z.object({ code: z.string(), message: z.string() });

type TossAnswer = { ok: true; payment: TossPayment } | { ok: false; status: number; code: string; message: string };

/**
 * One HTTP exchange with a deadline. Plain node:http rather than the global
 * fetch: under remix-serve the global fetch is @remix-run/web-fetch, whose
 * abort on timeout rejects a promise nobody handles ("Cannot cancel a stream
 * that already has a reader") and so brings the whole server process down
 * when the provider hangs.
 */
function send(
  url: URL,
  { method, headers, body, timeoutMs }: { method: string; headers: Record<string, string>; body?: string; timeoutMs: number },
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(body, "utf8");
    const request = (url.protocol === "https:" ? https : http).request(url, {
      method,
      headers: payload ? { ...headers, "Content-Length": String(payload.byteLength) } : headers,
    });
    const timer = setTimeout(() => request.destroy(new Error("TossPayments did not answer in time.")), timeoutMs);
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    request.on("response", (answer) => {
      const chunks: Buffer[] = [];
      answer.on("data", (chunk: Buffer) => chunks.push(chunk));
      answer.on("end", () => finish(() => resolve({ status: answer.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") })));
      answer.on("error", (error) => finish(() => reject(error)));
      answer.on("close", () => finish(() => reject(new Error("TossPayments closed the connection mid-answer."))));
    });
    request.on("error", (error) => finish(() => reject(error)));
    request.end(payload);
  });
}

async function tossRequest(
  path: string,
  { method = "GET", body, idempotencyKey }: { method?: string; body?: unknown; idempotencyKey?: string } = {},
): Promise<TossAnswer> {
  const settings = env();
  const base = settings.TOSS_API_BASE ?? "https://api.tosspayments.com";
  const headers: Record<string, string> = {
    Authorization: `Basic ${Buffer.from(`${settings.TOSS_SECRET_KEY ?? ""}:`).toString("base64")}`,
  };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;
  let response: { status: number; text: string };
  try {
    response = await send(new URL(path, base), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      timeoutMs: settings.PROVIDER_TIMEOUT_MS,
    });
  } catch {
    return { ok: false, status: 0, code: "PROVIDER_UNREACHABLE", message: "TossPayments did not answer in time." };
  }
  let data: unknown = null;
  try {
    data = JSON.parse(response.text);
  } catch {
    data = null;
  }
  if (response.status >= 200 && response.status < 300) {
    const payment = TossPayment.safeParse(data);
    if (payment.success) return { ok: true, payment: payment.data };
    return { ok: false, status: response.status, code: "INVALID_RESPONSE", message: "TossPayments answered in an unexpected shape." };
  }
  const error = TossError.safeParse(data);
  return error.success
    ? { ok: false, status: response.status, ...error.data }
    : { ok: false, status: response.status, code: "PROVIDER_ERROR", message: `TossPayments answered ${response.status}.` };
}

export function outcomeOfTossPayment(payment: TossPayment): PaymentOutcome {
  switch (payment.status) {
    case "DONE":
    // Part of the amount was returned (a line paid twice): the purchase stands.
    case "PARTIAL_CANCELED":
      return {
        kind: "paid",
        reference: payment.orderId,
        paymentId: payment.paymentKey,
        amount: payment.totalAmount,
        currency: payment.currency,
      };
    case "CANCELED":
      return { kind: "refunded", paymentId: payment.paymentKey };
    case "ABORTED":
      return { kind: "failed", code: "ABORTED", message: "The card payment was not approved." };
    case "EXPIRED":
      return { kind: "expired" };
    case "READY":
      return { kind: "open" };
    default:
      return { kind: "processing" };
  }
}

/** Toss's answer as a failed create: no answer or a 5xx may have opened the window; Toss replays errors for the same key. */
function createFailure(answer: Extract<TossAnswer, { ok: false }>): Extract<CreateCheckoutResult, { ok: false }> {
  const { code, message } = answer;
  if (answer.status === 0) return { ok: false, kind: "unavailable", code, message, newKey: false };
  if (answer.status === 409 && code === "IDEMPOTENT_REQUEST_PROCESSING") return { ok: false, kind: "busy", code, message };
  if (answer.status >= 500 || code === "PROVIDER_ERROR") return { ok: false, kind: "unavailable", code, message, newKey: true };
  return { ok: false, kind: "refused", code, message };
}

/** The order's approved payment at Toss, `null` when Toss has none (404), or an error answer. */
async function paymentOfOrder(orderId: string) {
  const answer = await tossRequest(`/v1/payments/orders/${encodeURIComponent(orderId)}`);
  if (answer.ok) return answer;
  if (answer.status === 404) return null;
  return answer;
}

export const tossProvider: PaymentProvider = {
  name: "TOSS",
  minimumCheckoutLifetimeMs: 0,

  async createCheckout(request: CheckoutRequest): Promise<CreateCheckoutResult> {
    const { APP_URL } = env();
    if (!request.reference) return { ok: false, kind: "refused", code: "NO_ORDER_ID", message: "The checkout has no Toss orderId." };
    const answer = await tossRequest("/v1/payments", {
      method: "POST",
      idempotencyKey: request.idempotencyKey,
      body: {
        method: "CARD",
        amount: toTossAmount(request.total, request.currency),
        currency: "KRW",
        orderId: request.reference,
        orderName: tossOrderName(request.lines.map((line) => line.title)),
        ...tossReturnUrls(APP_URL, request.sessionId),
      },
    });
    if (!answer.ok) return createFailure(answer);
    if (!answer.payment.checkout?.url) {
      return { ok: false, kind: "refused", code: "NO_CHECKOUT_URL", message: "TossPayments returned no payment window." };
    }
    return { ok: true, reference: answer.payment.orderId, paymentId: answer.payment.paymentKey, redirectUrl: answer.payment.checkout.url };
  },

  async endCheckout(session: SessionForProvider): Promise<EndCheckoutResult> {
    // Toss has no call that closes a window: a window's approval charges
    // nothing until the shop confirms it, so an order Toss holds no approved
    // payment for is ended by not confirming it. One that was paid is settled.
    if (!session.reference) return { kind: "ended" };
    const found = await paymentOfOrder(session.reference);
    if (found === null) return { kind: "ended" };
    if (!found.ok) return { kind: "unavailable", code: found.code, message: found.message };
    const outcome = outcomeOfTossPayment(found.payment);
    return outcome.kind === "paid" || outcome.kind === "refunded" ? { kind: "completed", outcome } : { kind: "ended" };
  },

  async lookup(session: SessionForProvider) {
    if (!session.reference) return { kind: "unavailable" as const, code: "NO_ORDER_ID", message: "The checkout has no Toss orderId." };
    const found = await paymentOfOrder(session.reference);
    if (found === null) return { kind: "open" as const };
    if (!found.ok) return { kind: "unavailable" as const, code: found.code, message: found.message };
    return outcomeOfTossPayment(found.payment);
  },

  async refundLine(payment: SettledPayment, line: { orderId: string; amount: number }) {
    if (!payment.paymentId) return { ok: false as const, code: "NO_PAYMENT_KEY", message: "The checkout has no Toss paymentKey." };
    const answer = await tossRequest(`/v1/payments/${encodeURIComponent(payment.paymentId)}/cancel`, {
      method: "POST",
      // One cancel per line, however often this runs.
      idempotencyKey: `refund-line-${line.orderId}`,
      body: { cancelReason: "이미 구매한 상품의 중복 결제 환불", cancelAmount: toTossAmount(line.amount, payment.currency) },
    });
    if (!answer.ok) return { ok: false as const, code: answer.code, message: answer.message };
    const transactionKey = (answer.payment as { lastTransactionKey?: unknown }).lastTransactionKey;
    return { ok: true as const, refundId: typeof transactionKey === "string" ? transactionKey : `${payment.paymentId}:${line.orderId}` };
  },

  async settleReturn(session: SessionForProvider, params: URLSearchParams): Promise<PaymentOutcome> {
    const paymentKey = params.get("paymentKey");
    const orderId = params.get("orderId");
    const amount = params.get("amount");
    if (!paymentKey || !orderId || amount === null) {
      // A bare visit (a refresh, a bookmark): ask Toss how the order stands.
      if (!session.reference) return { kind: "processing" };
      const answer = await tossRequest(`/v1/payments/orders/${encodeURIComponent(session.reference)}`);
      return answer.ok ? outcomeOfTossPayment(answer.payment) : { kind: "processing" };
    }
    if (orderId !== session.reference) {
      return { kind: "failed", code: "ORDER_MISMATCH", message: "The payment belongs to another order." };
    }
    if (!/^\d+$/.test(amount) || Number(amount) !== session.total) {
      return {
        kind: "failed",
        code: "AMOUNT_MISMATCH",
        message: `The payment window reported ${amount} won, but this order is ${session.total} won; it was not confirmed.`,
      };
    }
    const confirmed = await tossRequest("/v1/payments/confirm", {
      method: "POST",
      idempotencyKey: `confirm-${session.id}`,
      body: { paymentKey, orderId, amount: session.total },
    });
    if (confirmed.ok) return outcomeOfTossPayment(confirmed.payment);
    if (confirmed.code === "ALREADY_PROCESSED_PAYMENT") {
      const current = await tossRequest(`/v1/payments/${encodeURIComponent(paymentKey)}`);
      return current.ok ? outcomeOfTossPayment(current.payment) : { kind: "processing" };
    }
    if (confirmed.status === 0 || confirmed.status >= 500) return { kind: "processing" };
    return { kind: "failed", code: confirmed.code, message: confirmed.message };
  },

  async parseWebhook(rawBody: string): Promise<WebhookResult> {
    let body: unknown;
    try {
      body = JSON.parse(rawBody);
    } catch {
      return { ok: false, status: 400, message: "The webhook body is not JSON." };
    }
    const event = z
      .object({ eventType: z.string(), createdAt: z.string().optional(), data: z.object({ paymentKey: z.string().min(1).max(200) }).passthrough() })
      .safeParse(body);
    if (!event.success) return { ok: false, status: 400, message: "The webhook is not a TossPayments payment event." };
    const { eventType, data } = event.data;
    if (eventType !== "PAYMENT_STATUS_CHANGED") {
      return { ok: true, eventId: `${eventType}:${data.paymentKey}:${event.data.createdAt ?? ""}`, eventType, payload: body, subject: null };
    }
    // Payment events are unsigned: believe only what the API says now.
    const current = await tossRequest(`/v1/payments/${encodeURIComponent(data.paymentKey)}`);
    if (!current.ok) {
      return { ok: true, eventId: `${eventType}:${data.paymentKey}:unknown`, eventType, payload: body, subject: null };
    }
    const payment = current.payment;
    return {
      ok: true,
      eventId: `${eventType}:${payment.paymentKey}:${payment.status}`,
      eventType,
      payload: body,
      subject: { reference: payment.orderId, paymentId: payment.paymentKey, sessionId: null, outcome: outcomeOfTossPayment(payment) },
    };
  },
};
