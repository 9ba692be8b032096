import http from "node:http";
import https from "node:https";
import { z } from "zod";
import { env } from "~/env.server";
import { toTossAmount } from "~/services/money";
import type {
  CheckoutRequest,
  CreateCheckoutResult,
  PaymentOutcome,
  PaymentProvider,
  SessionForProvider,
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
    default:
      return { kind: "processing" };
  }
}

export const tossProvider: PaymentProvider = {
  name: "TOSS",

  async createCheckout(request: CheckoutRequest): Promise<CreateCheckoutResult> {
    const { APP_URL } = env();
    if (!request.reference) return { ok: false, code: "NO_ORDER_ID", message: "The checkout has no Toss orderId." };
    const answer = await tossRequest("/v1/payments", {
      method: "POST",
      idempotencyKey: `checkout-session-${request.sessionId}`,
      body: {
        method: "CARD",
        amount: toTossAmount(request.total, request.currency),
        currency: "KRW",
        orderId: request.reference,
        orderName: tossOrderName(request.lines.map((line) => line.title)),
        ...tossReturnUrls(APP_URL, request.sessionId),
      },
    });
    if (!answer.ok) return { ok: false, code: answer.code, message: answer.message };
    if (!answer.payment.checkout?.url) return { ok: false, code: "NO_CHECKOUT_URL", message: "TossPayments returned no payment window." };
    return { ok: true, reference: answer.payment.orderId, paymentId: answer.payment.paymentKey, redirectUrl: answer.payment.checkout.url };
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
