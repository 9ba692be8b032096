import { checkoutSummaryForProvider, endPendingCheckout, withLockedCheckout } from "~/models/checkout.server";
import { paymentProvider, type PaymentOutcome } from "~/services/payments/index.server";

// Settling a checkout: the one function the webhook, the success return and
// any reconcile job call. It runs in one transaction with the session row
// locked and only moves a session forward, so calling it twice, or from two
// servers at once, has the effects of calling it once.

export type SettledStatus = "PENDING" | "PAID" | "CANCELED" | "EXPIRED" | "FAILED" | "REFUNDED";

export interface FulfilResult {
  status: SettledStatus;
  changed: boolean;
}

export async function fulfil(sessionId: string, outcome: PaymentOutcome): Promise<FulfilResult | null> {
  return withLockedCheckout(sessionId, async (ledger) => {
    if (!ledger) return null;
    const { checkout } = ledger;
    const unchanged = { status: checkout.status, changed: false };

    switch (outcome.kind) {
      case "processing":
        return unchanged;

      case "paid": {
        if (checkout.status === "PAID" || checkout.status === "REFUNDED") return unchanged;
        if (outcome.amount !== checkout.total || outcome.currency.toUpperCase() !== checkout.currency) {
          const message = `The provider reported ${outcome.amount} ${outcome.currency.toUpperCase()} for a checkout of ${checkout.total} ${checkout.currency}; access was not granted and the payment is held for review.`;
          console.warn(
            JSON.stringify({
              event: "payment_amount_mismatch",
              sessionId,
              expected: { amount: checkout.total, currency: checkout.currency },
              reported: { amount: outcome.amount, currency: outcome.currency },
            }),
          );
          await ledger.recordMismatch({ amount: outcome.amount, currency: outcome.currency, code: "AMOUNT_MISMATCH", message });
          return { status: "FAILED", changed: true };
        }
        // A verified payment of exactly this checkout settles it, even after it
        // expired or failed here: the money is real.
        await ledger.markPaid({ paymentId: outcome.paymentId, reference: outcome.reference });
        return { status: "PAID", changed: true };
      }

      case "failed":
      case "canceled":
      case "expired": {
        if (checkout.status !== "PENDING") return unchanged;
        const status = outcome.kind === "failed" ? "FAILED" : outcome.kind === "canceled" ? "CANCELED" : "EXPIRED";
        await ledger.markEnded(status, outcome.kind === "expired" ? undefined : { code: outcome.code, message: outcome.message });
        return { status, changed: true };
      }

      case "refunded": {
        if (checkout.status === "PAID") {
          await ledger.markRefunded();
          return { status: "REFUNDED", changed: true };
        }
        if (checkout.status === "PENDING") {
          await ledger.markEnded("CANCELED", { code: "CANCELED", message: "The payment was canceled at the provider." });
          return { status: "CANCELED", changed: true };
        }
        return unchanged;
      }
    }
  });
}


/**
 * The shopper is back from the provider: ask the provider (Stripe: retrieve
 * the session; Toss: check the amount, then confirm) and settle, so nobody
 * waits on a late webhook.
 */
export async function settleFromReturn(sessionId: string, params: URLSearchParams): Promise<FulfilResult | null> {
  const checkout = await checkoutSummaryForProvider(sessionId);
  if (!checkout) return null;
  const outcome = await paymentProvider(checkout.provider).settleReturn(
    {
      id: checkout.id,
      total: checkout.total,
      currency: checkout.currency,
      reference: checkout.payment?.providerReference ?? null,
      paymentId: checkout.payment?.providerPaymentId ?? null,
    },
    params,
  );
  return fulfil(sessionId, outcome);
}

const FAILURE_CODE = /^[A-Z0-9_]{1,64}$/;

/** The provider sent the shopper to the fail URL: record why, in the provider's words. */
export async function recordReturnedFailure(sessionId: string, code: string | null, message: string | null): Promise<void> {
  const safeCode = code && FAILURE_CODE.test(code) ? code : "PAYMENT_FAILED";
  const safeMessage = (message ?? "The payment was not completed.").slice(0, 300);
  await endPendingCheckout(sessionId, "FAILED", { code: safeCode, message: safeMessage });
}
