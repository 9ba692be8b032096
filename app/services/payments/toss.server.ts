import { env } from "~/env.server";
import { toTossAmount } from "~/services/money";
import {
  attemptKey,
  type CheckoutRequest,
  type CreateCheckoutResult,
  type EndCheckoutResult,
  type PaymentOutcome,
  type PaymentProvider,
  type RefundLine,
  type RefundResult,
  type SessionForProvider,
  type SettledPayment,
} from "~/services/payments/provider";
import { answerKeptForKey, paymentByKey, tossRequest, type TossAnswer, type TossPayment } from "~/services/payments/toss-client.server";
import { outcomeOfTossPayment } from "~/services/payments/toss-outcomes";
import { classifyConfirmError } from "~/services/payments/toss-codes";
import { tossOrderName, tossReturnUrls } from "~/services/payments/toss-params";
import { parseTossWebhook } from "~/services/payments/toss-webhooks.server";

// TossPayments through its documented core API: confirm, lookups and cancel.
// The payment window is opened by the browser SDK; `POST /v1/payments`, the
// server-created window for shoppers without JavaScript, is not in Toss's
// reference and stays behind TOSS_SERVER_WINDOW.

function tossPaymentMatches(session: SessionForProvider, payment: TossPayment): boolean {
  return payment.orderId === session.reference && payment.totalAmount === session.total;
}

/**
 * Confirms an approved payment and reads the answer by class: declines end
 * the checkout with Toss's message; transient errors leave it PENDING to be
 * confirmed again; an already processed payment is looked up and settles
 * only if it is this order's, for this amount.
 */
async function confirm(session: SessionForProvider, paymentKey: string): Promise<PaymentOutcome> {
  const confirmed = await tossRequest("/v1/payments/confirm", {
    method: "POST",
    idempotencyKey: attemptKey(`confirm-${session.id}`, session.confirmAttempt),
    body: { paymentKey, orderId: session.reference, amount: session.total },
  });
  if (confirmed.ok) {
    if (tossPaymentMatches(session, confirmed.payment)) return outcomeOfTossPayment(confirmed.payment);
    return { kind: "failed", code: "PAYMENT_MISMATCH", message: "TossPayments confirmed a payment for another order or amount." };
  }
  switch (classifyConfirmError(confirmed.status, confirmed.code)) {
    case "transient":
      console.warn(JSON.stringify({ event: "toss_confirm_transient", sessionId: session.id, code: confirmed.code }));
      return { kind: "processing", confirmRetry: true };
    case "already-processed": {
      const current = await paymentByKey(paymentKey);
      if (!current.ok) return { kind: "processing" };
      if (!tossPaymentMatches(session, current.payment)) {
        console.warn(JSON.stringify({ event: "toss_payment_of_another_order", sessionId: session.id }));
        return { kind: "processing" };
      }
      return outcomeOfTossPayment(current.payment);
    }
    case "expired":
      return { kind: "expired" };
    case "decline":
    case "refused":
      return { kind: "failed", code: confirmed.code, message: confirmed.message };
  }
}

/** Toss answered a server-created window: no answer or a 5xx may have opened one; 4xx opened none. */
function createFailure(answer: Extract<TossAnswer, { ok: false }>): Extract<CreateCheckoutResult, { ok: false }> {
  const { code, message } = answer;
  if (answer.status === 409) return { ok: false, kind: "busy", code, message };
  if (answer.status === 0 || answer.status >= 500) return { ok: false, kind: "unavailable", code, message, newKey: answerKeptForKey(answer) };
  // An endpoint Toss does not document may be missing (404) or refuse: the SDK window still works.
  return { ok: false, kind: "unsupported", code, message };
}

/** The order's payment at Toss, `null` when Toss has none it can show (404), or an error answer. */
async function paymentOfOrder(orderId: string) {
  const answer = await tossRequest(`/v1/payments/orders/${encodeURIComponent(orderId)}`);
  if (answer.ok) return answer;
  if (answer.status === 404) return null;
  return answer;
}

/** How the checkout stands at Toss (reconciliation, and a bare visit of the success page). */
async function lookupOrder(session: SessionForProvider): Promise<PaymentOutcome | { kind: "unavailable"; code: string; message: string }> {
  if (!session.reference) return { kind: "unavailable", code: "NO_ORDER_ID", message: "The checkout has no Toss orderId." };
  const found = await paymentOfOrder(session.reference);
  if (found && !found.ok) return { kind: "unavailable", code: found.code, message: found.message };
  if (found && found.payment.status !== "IN_PROGRESS") return outcomeOfTossPayment(found.payment);
  // Approved and not confirmed: if the shopper came back with the approval
  // and its confirm met a transient error, confirm it again now.
  if (session.paymentId) return confirm(session, session.paymentId);
  return found ? outcomeOfTossPayment(found.payment) : { kind: "open" };
}

export const tossProvider: PaymentProvider = {
  name: "TOSS",
  minimumCheckoutLifetimeMs: 0,
  confirmsOnReturn: true,
  opensInBrowser: true,
  canOpenFromServer: () => env().TOSS_SERVER_WINDOW,

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
      return { ok: false, kind: "unsupported", code: "NO_CHECKOUT_URL", message: "TossPayments returned no payment window." };
    }
    // The window's paymentKey is not kept: the shopper's approval comes back with its own (an SDK window has another).
    return { ok: true, reference: answer.payment.orderId, paymentId: null, redirectUrl: answer.payment.checkout.url };
  },

  async endCheckout(session: SessionForProvider): Promise<EndCheckoutResult> {
    // Toss has no call that closes a window: an approval charges nothing until
    // the shop confirms it, so an order with no confirmed payment at Toss is
    // ended by never confirming it. One that was paid is settled instead.
    if (!session.reference) return { kind: "ended" };
    const found = await paymentOfOrder(session.reference);
    if (found === null) return { kind: "ended" };
    if (!found.ok) return { kind: "unavailable", code: found.code, message: found.message };
    const outcome = outcomeOfTossPayment(found.payment);
    return outcome.kind === "paid" || outcome.kind === "refunded" ? { kind: "completed", outcome } : { kind: "ended" };
  },

  lookup: lookupOrder,

  async refundLine(payment: SettledPayment, line: RefundLine): Promise<RefundResult> {
    if (!payment.paymentId) return { ok: false, code: "NO_PAYMENT_KEY", message: "The checkout has no Toss paymentKey.", newKey: false };
    if (line.attempt > 0) {
      // An earlier attempt answered an error: Toss may have made the cancel all the same.
      const current = await paymentByKey(payment.paymentId);
      if (!current.ok) return { ok: false, code: current.code, message: current.message, newKey: false };
      const made = current.payment.cancels?.find((cancel) => cancel.cancelReason?.includes(line.orderId) && cancel.cancelStatus !== "FAILED");
      if (made) return { ok: true, refundId: made.transactionKey };
    }
    const answer = await tossRequest(`/v1/payments/${encodeURIComponent(payment.paymentId)}/cancel`, {
      method: "POST",
      idempotencyKey: attemptKey(`refund-line-${line.orderId}`, line.attempt),
      // The line's order id names the cancel, so a later attempt can find it.
      body: { cancelReason: `이미 구매한 상품의 중복 결제 환불 (주문 ${line.orderId})`, cancelAmount: toTossAmount(line.amount, payment.currency) },
    });
    if (!answer.ok) return { ok: false, code: answer.code, message: answer.message, newKey: answerKeptForKey(answer) };
    return { ok: true, refundId: answer.payment.lastTransactionKey ?? `${payment.paymentId}:${line.orderId}` };
  },

  paymentIdOfReturn(session: SessionForProvider, params: URLSearchParams): string | null {
    const paymentKey = params.get("paymentKey");
    if (!paymentKey || paymentKey.length > 200 || params.get("orderId") !== session.reference) return null;
    return paymentKey;
  },

  async settleReturn(session: SessionForProvider, params: URLSearchParams): Promise<PaymentOutcome> {
    const paymentKey = params.get("paymentKey");
    const orderId = params.get("orderId");
    const amount = params.get("amount");
    // A bare visit (a refresh, the page polling): ask Toss how the order stands.
    if (!paymentKey || !orderId || amount === null) {
      const outcome = await lookupOrder(session);
      return outcome.kind === "unavailable" ? { kind: "processing" } : outcome;
    }
    if (orderId !== session.reference) {
      console.warn(JSON.stringify({ event: "toss_return_of_another_order", sessionId: session.id }));
      return { kind: "processing" };
    }
    if (!/^\d+$/.test(amount) || Number(amount) !== session.total) {
      return {
        kind: "failed",
        code: "AMOUNT_MISMATCH",
        message: `The payment window reported ${amount} won, but this order is ${session.total} won; it was not confirmed.`,
      };
    }
    return confirm(session, paymentKey);
  },

  parseWebhook: (rawBody) => parseTossWebhook(rawBody),
};
