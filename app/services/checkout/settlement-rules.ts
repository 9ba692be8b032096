import type { CheckoutSessionStatus } from "~/generated/prisma/enums";
import type { PaymentOutcome } from "~/services/payments/provider";

// What settling does, as data: the checkout's state and what the provider
// verified give the next state and the one effect to write. Pure, so every
// pair is tested without a database; the ledger in models/settlement.server.ts
// only writes what this decides.

export type SettlementEffect =
  | { kind: "none" }
  /** The provider named a payment under way: remembered, the state stays. */
  | { kind: "note-payment"; paymentId: string }
  | { kind: "mark-paid"; paymentId: string; reference: string }
  | { kind: "record-mismatch"; amount: number; currency: string; code: string; message: string }
  | { kind: "mark-ended"; status: "FAILED" | "CANCELED" | "EXPIRED"; failure?: { code: string; message: string } }
  | { kind: "mark-refunded" }
  | { kind: "suspend-access" }
  | { kind: "restore-access" };

export interface SettlementDecision {
  next: CheckoutSessionStatus;
  effect: SettlementEffect;
}

const stay = (state: CheckoutSessionStatus): SettlementDecision => ({ next: state, effect: { kind: "none" } });

export function decideSettlement(
  state: CheckoutSessionStatus,
  checkout: { total: number; currency: string; hasPaidLine: boolean },
  outcome: PaymentOutcome,
): SettlementDecision {
  switch (outcome.kind) {
    case "open":
      return stay(state);

    case "processing":
      // Only an open checkout waits on a payment; its page then says it is
      // being processed rather than waiting for one.
      if (state === "PENDING" && outcome.paymentId) return { next: state, effect: { kind: "note-payment", paymentId: outcome.paymentId } };
      return stay(state);

    case "paid": {
      if (state === "PAID" || state === "REFUNDED") return stay(state);
      const currency = outcome.currency.toUpperCase();
      if (outcome.amount !== checkout.total || currency !== checkout.currency) {
        const message = `The provider reported ${outcome.amount} ${currency} for a checkout of ${checkout.total} ${checkout.currency}; access was not granted and the payment is held for review.`;
        return {
          next: "FAILED",
          effect: { kind: "record-mismatch", amount: outcome.amount, currency, code: "AMOUNT_MISMATCH", message },
        };
      }
      // A verified payment of exactly this checkout settles it even after it
      // expired, failed or was canceled here: the money is real.
      return { next: "PAID", effect: { kind: "mark-paid", paymentId: outcome.paymentId, reference: outcome.reference } };
    }

    case "failed":
    case "canceled":
    case "expired": {
      if (state !== "PENDING") return stay(state);
      const status = outcome.kind === "failed" ? "FAILED" : outcome.kind === "canceled" ? "CANCELED" : "EXPIRED";
      const failure = outcome.kind === "expired" ? undefined : { code: outcome.code, message: outcome.message };
      return { next: status, effect: { kind: "mark-ended", status, failure } };
    }

    case "refunded":
      // No line of a paid checkout is PAID: every one was a line the buyer had
      // already paid for, which the shop refunded. The whole payment came back
      // through those refunds, already on the orders; the purchase record stands.
      if (state === "PAID" && !checkout.hasPaidLine) return stay(state);
      if (state === "PAID") return { next: "REFUNDED", effect: { kind: "mark-refunded" } };
      if (state === "PENDING") {
        const failure = { code: "CANCELED", message: "The payment was canceled at the provider." };
        return { next: "CANCELED", effect: { kind: "mark-ended", status: "CANCELED", failure } };
      }
      return stay(state);

    case "dispute-opened":
      return state === "PAID" ? { next: "PAID", effect: { kind: "suspend-access" } } : stay(state);

    case "dispute-won":
      return state === "PAID" ? { next: "PAID", effect: { kind: "restore-access" } } : stay(state);
  }
}
