import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import type { PaymentOutcome } from "~/services/payments/provider";
import { outcomeOfCheckoutSession } from "~/services/payments/stripe-client.server";
import { outcomeOfTossPayment, type TossPaymentView } from "~/services/payments/toss-outcomes";

// What each provider's record of a payment means for a checkout, read the same
// way by the success return, the webhook and reconciliation.

describe("a Stripe Checkout Session's outcome", () => {
  const session = (fields: Partial<Stripe.Checkout.Session>) =>
    ({ id: "cs_test_1", amount_total: 4500, currency: "usd", payment_intent: "pi_1", ...fields }) as Stripe.Checkout.Session;

  const cases: Array<[string, Partial<Stripe.Checkout.Session>, PaymentOutcome]> = [
    [
      "complete and paid: paid, with the PaymentIntent, the amount and the currency in capitals",
      { status: "complete", payment_status: "paid" },
      { kind: "paid", reference: "cs_test_1", paymentId: "pi_1", amount: 4500, currency: "USD" },
    ],
    [
      "paid with its PaymentIntent expanded",
      { status: "complete", payment_status: "paid", payment_intent: { id: "pi_expanded" } as Stripe.PaymentIntent },
      { kind: "paid", reference: "cs_test_1", paymentId: "pi_expanded", amount: 4500, currency: "USD" },
    ],
    [
      "paid without a PaymentIntent: the session stands for the payment",
      { status: "complete", payment_status: "paid", payment_intent: null },
      { kind: "paid", reference: "cs_test_1", paymentId: "cs_test_1", amount: 4500, currency: "USD" },
    ],
    [
      "paid without an amount or currency: an amount no checkout has, so it never settles one",
      { status: "complete", payment_status: "paid", amount_total: null, currency: null },
      { kind: "paid", reference: "cs_test_1", paymentId: "pi_1", amount: -1, currency: "" },
    ],
    [
      "paid, whatever the session's status says",
      { status: "expired", payment_status: "paid" },
      { kind: "paid", reference: "cs_test_1", paymentId: "pi_1", amount: 4500, currency: "USD" },
    ],
    ["open and unpaid: open", { status: "open", payment_status: "unpaid" }, { kind: "open" }],
    ["expired and unpaid: expired", { status: "expired", payment_status: "unpaid" }, { kind: "expired" }],
    [
      "complete but unpaid (an asynchronous method): processing, naming the payment under way",
      { status: "complete", payment_status: "unpaid" },
      { kind: "processing", paymentId: "pi_1" },
    ],
    ["complete but unpaid with no PaymentIntent yet: processing", { status: "complete", payment_status: "unpaid", payment_intent: null }, { kind: "processing" }],
  ];

  for (const [name, fields, expected] of cases) {
    it(name, () => {
      expect(outcomeOfCheckoutSession(session(fields))).toEqual(expected);
    });
  }
});

describe("a TossPayments payment's outcome", () => {
  const payment = (status: string, extra: Partial<TossPaymentView> = {}) =>
    outcomeOfTossPayment({ paymentKey: "pk_1", orderId: "order_1", status, totalAmount: 36_000, currency: "KRW", ...extra });

  const cases: Array<[string, Partial<TossPaymentView>, PaymentOutcome]> = [
    ["READY", {}, { kind: "open" }],
    ["IN_PROGRESS", {}, { kind: "processing" }],
    ["WAITING_FOR_DEPOSIT", {}, { kind: "processing" }],
    ["DONE", {}, { kind: "paid", reference: "order_1", paymentId: "pk_1", amount: 36_000, currency: "KRW" }],
    // Part of it was returned (a line paid twice): the purchase stands.
    ["PARTIAL_CANCELED", {}, { kind: "paid", reference: "order_1", paymentId: "pk_1", amount: 36_000, currency: "KRW" }],
    ["CANCELED", {}, { kind: "refunded", paymentId: "pk_1" }],
    ["ABORTED", { failure: { code: "REJECT_CARD_PAYMENT", message: "한도초과" } }, { kind: "failed", code: "REJECT_CARD_PAYMENT", message: "한도초과" }],
    ["ABORTED", { failure: null }, { kind: "failed", code: "ABORTED", message: "The card payment was not approved." }],
    ["ABORTED", { failure: { code: 42, message: { text: "?" } } }, { kind: "failed", code: "ABORTED", message: "The card payment was not approved." }],
    ["EXPIRED", {}, { kind: "expired" }],
    // A status Toss does not document yet: the shop cannot say, so it waits.
    ["SOMETHING_NEW", {}, { kind: "processing" }],
  ];

  for (const [status, extra, expected] of cases) {
    const detail = "failure" in extra ? ` (failure ${JSON.stringify(extra.failure)})` : "";
    it(`${status}${detail} -> ${expected.kind}`, () => {
      expect(payment(status, extra)).toEqual(expected);
    });
  }
});
