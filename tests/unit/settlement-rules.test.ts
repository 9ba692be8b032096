import { describe, expect, it } from "vitest";
import { CheckoutSessionStatus } from "~/generated/prisma/enums";
import type { PaymentOutcome } from "~/services/payments/provider";
import { decideSettlement } from "~/services/checkout/settlement-rules";

// Every state of a checkout against everything a provider can report: the
// next state and the effect the ledger is told to write.

const checkout = { total: 4500, currency: "USD", hasPaidLine: true };

const OUTCOMES: Record<string, PaymentOutcome> = {
  paid: { kind: "paid", reference: "cs_1", paymentId: "pi_1", amount: 4500, currency: "usd" },
  "paid (other amount)": { kind: "paid", reference: "cs_1", paymentId: "pi_1", amount: 4600, currency: "usd" },
  "paid (other currency)": { kind: "paid", reference: "cs_1", paymentId: "pi_1", amount: 4500, currency: "eur" },
  open: { kind: "open" },
  processing: { kind: "processing" },
  "processing (confirm again)": { kind: "processing", confirmRetry: true },
  "processing (payment named)": { kind: "processing", paymentId: "pi_1" },
  failed: { kind: "failed", code: "card_declined", message: "Declined." },
  canceled: { kind: "canceled", code: "PAY_PROCESS_CANCELED", message: "Closed." },
  expired: { kind: "expired" },
  refunded: { kind: "refunded", paymentId: "pi_1" },
  "dispute-opened": { kind: "dispute-opened", paymentId: "pi_1" },
  "dispute-won": { kind: "dispute-won", paymentId: "pi_1" },
};

// Each cell: "<next state> <effect>", "-" for none.
const TABLE: Record<CheckoutSessionStatus, Record<keyof typeof OUTCOMES, string>> = {
  PENDING: {
    paid: "PAID mark-paid",
    "paid (other amount)": "FAILED record-mismatch",
    "paid (other currency)": "FAILED record-mismatch",
    open: "PENDING -",
    processing: "PENDING -",
    "processing (confirm again)": "PENDING -",
    "processing (payment named)": "PENDING note-payment",
    failed: "FAILED mark-ended",
    canceled: "CANCELED mark-ended",
    expired: "EXPIRED mark-ended",
    refunded: "CANCELED mark-ended",
    "dispute-opened": "PENDING -",
    "dispute-won": "PENDING -",
  },
  PAID: {
    paid: "PAID -",
    "paid (other amount)": "PAID -",
    "paid (other currency)": "PAID -",
    open: "PAID -",
    processing: "PAID -",
    "processing (confirm again)": "PAID -",
    "processing (payment named)": "PAID -",
    failed: "PAID -",
    canceled: "PAID -",
    expired: "PAID -",
    refunded: "REFUNDED mark-refunded",
    "dispute-opened": "PAID suspend-access",
    "dispute-won": "PAID restore-access",
  },
  CANCELED: {
    paid: "PAID mark-paid",
    "paid (other amount)": "FAILED record-mismatch",
    "paid (other currency)": "FAILED record-mismatch",
    open: "CANCELED -",
    processing: "CANCELED -",
    "processing (confirm again)": "CANCELED -",
    "processing (payment named)": "CANCELED -",
    failed: "CANCELED -",
    canceled: "CANCELED -",
    expired: "CANCELED -",
    refunded: "CANCELED -",
    "dispute-opened": "CANCELED -",
    "dispute-won": "CANCELED -",
  },
  EXPIRED: {
    paid: "PAID mark-paid",
    "paid (other amount)": "FAILED record-mismatch",
    "paid (other currency)": "FAILED record-mismatch",
    open: "EXPIRED -",
    processing: "EXPIRED -",
    "processing (confirm again)": "EXPIRED -",
    "processing (payment named)": "EXPIRED -",
    failed: "EXPIRED -",
    canceled: "EXPIRED -",
    expired: "EXPIRED -",
    refunded: "EXPIRED -",
    "dispute-opened": "EXPIRED -",
    "dispute-won": "EXPIRED -",
  },
  FAILED: {
    paid: "PAID mark-paid",
    "paid (other amount)": "FAILED record-mismatch",
    "paid (other currency)": "FAILED record-mismatch",
    open: "FAILED -",
    processing: "FAILED -",
    "processing (confirm again)": "FAILED -",
    "processing (payment named)": "FAILED -",
    failed: "FAILED -",
    canceled: "FAILED -",
    expired: "FAILED -",
    refunded: "FAILED -",
    "dispute-opened": "FAILED -",
    "dispute-won": "FAILED -",
  },
  REFUNDED: {
    paid: "REFUNDED -",
    "paid (other amount)": "REFUNDED -",
    "paid (other currency)": "REFUNDED -",
    open: "REFUNDED -",
    processing: "REFUNDED -",
    "processing (confirm again)": "REFUNDED -",
    "processing (payment named)": "REFUNDED -",
    failed: "REFUNDED -",
    canceled: "REFUNDED -",
    expired: "REFUNDED -",
    refunded: "REFUNDED -",
    "dispute-opened": "REFUNDED -",
    "dispute-won": "REFUNDED -",
  },
};

describe("the settlement rules", () => {
  for (const [state, row] of Object.entries(TABLE) as Array<[CheckoutSessionStatus, Record<string, string>]>) {
    for (const [name, expected] of Object.entries(row)) {
      it(`${state} + ${name} -> ${expected}`, () => {
        const { next, effect } = decideSettlement(state, checkout, OUTCOMES[name]);
        expect(`${next} ${effect.kind === "none" ? "-" : effect.kind}`).toBe(expected);
      });
    }
  }

  it("keeps a PAID checkout with no PAID line PAID when refunded: every line was paid twice and the refund is the shop's own", () => {
    expect(decideSettlement("PAID", { ...checkout, hasPaidLine: false }, OUTCOMES.refunded)).toEqual({ next: "PAID", effect: { kind: "none" } });
  });

  it("covers every state a checkout can be in, each against every outcome", () => {
    expect(Object.keys(TABLE).sort()).toEqual(Object.values(CheckoutSessionStatus).sort());
    for (const row of Object.values(TABLE)) expect(Object.keys(row).sort()).toEqual(Object.keys(OUTCOMES).sort());
  });

  it("covers every outcome kind the providers can report", () => {
    const kinds = new Set(Object.values(OUTCOMES).map((outcome) => outcome.kind));
    const all: Array<PaymentOutcome["kind"]> = ["paid", "open", "processing", "failed", "canceled", "expired", "refunded", "dispute-opened", "dispute-won"];
    expect([...kinds].sort()).toEqual([...all].sort());
  });

  it("passes the provider's ids to the payment and its words to the ended checkout", () => {
    expect(decideSettlement("PENDING", checkout, OUTCOMES.paid).effect).toEqual({ kind: "mark-paid", paymentId: "pi_1", reference: "cs_1" });
    expect(decideSettlement("PENDING", checkout, OUTCOMES.failed).effect).toEqual({
      kind: "mark-ended",
      status: "FAILED",
      failure: { code: "card_declined", message: "Declined." },
    });
    expect(decideSettlement("PENDING", checkout, OUTCOMES.expired).effect).toEqual({ kind: "mark-ended", status: "EXPIRED", failure: undefined });
  });

  it("changes the state only through an effect, and ends a checkout in the state it names", () => {
    for (const state of Object.values(CheckoutSessionStatus)) {
      for (const outcome of Object.values(OUTCOMES)) {
        const { next, effect } = decideSettlement(state, checkout, outcome);
        if (effect.kind === "none") expect(next).toBe(state);
        if (effect.kind === "mark-ended") expect(effect.status).toBe(next);
      }
    }
  });

  it("reads a refund of a checkout still open as canceled at the provider", () => {
    expect(decideSettlement("PENDING", checkout, OUTCOMES.refunded).effect).toEqual({
      kind: "mark-ended",
      status: "CANCELED",
      failure: { code: "CANCELED", message: "The payment was canceled at the provider." },
    });
  });

  it("compares currencies whatever their case, and won as whole amounts", () => {
    const krw = { total: 36_000, currency: "KRW", hasPaidLine: false };
    const paid = (amount: number, currency: string): PaymentOutcome => ({ kind: "paid", reference: "order_1", paymentId: "pk_1", amount, currency });
    expect(decideSettlement("PENDING", krw, paid(36_000, "KRW")).next).toBe("PAID");
    expect(decideSettlement("PENDING", krw, paid(36_000, "krw")).next).toBe("PAID");
    expect(decideSettlement("PENDING", krw, paid(35_999, "KRW")).effect).toMatchObject({ kind: "record-mismatch", amount: 35_999, currency: "KRW" });
  });

  it("holds a mismatched payment for review with both amounts in the message", () => {
    const { effect } = decideSettlement("EXPIRED", checkout, OUTCOMES["paid (other amount)"]);
    expect(effect).toMatchObject({ kind: "record-mismatch", amount: 4600, currency: "USD", code: "AMOUNT_MISMATCH" });
    expect(effect.kind === "record-mismatch" && effect.message).toMatch(/4600 USD for a checkout of 4500 USD/);
  });
});
