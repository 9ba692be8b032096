import http from "node:http";
import https from "node:https";
import { z } from "zod";
import { env } from "~/env.server";

// TossPayments' REST API: one exchange with a deadline, Basic auth with the
// secret key, and its answers read as a Payment or an error. TOSS_API_BASE
// (the sandbox in development and tests) changes only where requests go.

export const TossPayment = z
  .object({
    paymentKey: z.string(),
    orderId: z.string(),
    status: z.string(),
    totalAmount: z.number(),
    currency: z.string().default("KRW"),
    checkout: z.object({ url: z.string().url() }).nullish(),
    lastTransactionKey: z.string().nullish(),
    // Each cancel of the payment, partial ones included (https://docs.tosspayments.com/reference#payment-객체).
    cancels: z
      .array(z.object({ transactionKey: z.string(), cancelReason: z.string().nullish(), cancelStatus: z.string().nullish() }).passthrough())
      .nullish(),
  })
  .passthrough();
export type TossPayment = z.infer<typeof TossPayment>;

const TossError = z.object({ code: z.string(), message: z.string() });

export type TossAnswer = { ok: true; payment: TossPayment } | { ok: false; status: number; code: string; message: string };

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

/**
 * Whether Toss keeps this error answer for the request's Idempotency-Key (it
 * replays every answer to a key, errors included, for 15 days), so that only
 * a new key gets another: not when no answer came, nor for a key in use (409).
 */
export function answerKeptForKey(answer: { status: number }): boolean {
  return answer.status !== 0 && answer.status !== 409;
}

export async function tossRequest(
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
    // A success the shop cannot read: the request may have done its work (a confirm may have taken the money).
    return { ok: false, status: response.status, code: "UNREADABLE_ANSWER", message: "TossPayments answered in an unexpected shape." };
  }
  const error = TossError.safeParse(data);
  return error.success
    ? { ok: false, status: response.status, ...error.data }
    : { ok: false, status: response.status, code: "PROVIDER_ERROR", message: `TossPayments answered ${response.status}.` };
}


/** `GET /v1/payments/{paymentKey}`: the payment as Toss has it now. */
export function paymentByKey(paymentKey: string): Promise<TossAnswer> {
  return tossRequest(`/v1/payments/${encodeURIComponent(paymentKey)}`);
}
