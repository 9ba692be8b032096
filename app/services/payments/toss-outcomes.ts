import type { PaymentOutcome } from "~/services/payments/provider";

// What each status of a TossPayments Payment means for a checkout.

export interface TossPaymentView {
  paymentKey: string;
  orderId: string;
  status: string;
  totalAmount: number;
  currency: string;
  failure?: { code?: unknown; message?: unknown } | null;
}

/** What a Toss payment's status says (https://docs.tosspayments.com/reference#payment-객체). */
export function outcomeOfTossPayment(payment: TossPaymentView): PaymentOutcome {
  switch (payment.status) {
    case "DONE":
    // Part of the amount was returned (a line paid twice): the purchase stands.
    case "PARTIAL_CANCELED":
      return { kind: "paid", reference: payment.orderId, paymentId: payment.paymentKey, amount: payment.totalAmount, currency: payment.currency };
    case "CANCELED":
      return { kind: "refunded", paymentId: payment.paymentKey };
    case "ABORTED": {
      const failure = payment.failure;
      return {
        kind: "failed",
        code: typeof failure?.code === "string" ? failure.code : "ABORTED",
        message: typeof failure?.message === "string" ? failure.message : "The card payment was not approved.",
      };
    }
    case "EXPIRED":
      return { kind: "expired" };
    case "READY":
      return { kind: "open" };
    // IN_PROGRESS: approved in the window, not confirmed; WAITING_FOR_DEPOSIT: a virtual account not yet paid.
    default:
      return { kind: "processing" };
  }
}

