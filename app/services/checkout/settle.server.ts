import { checkoutSummaryForProvider, type CheckoutSummary } from "~/models/checkout-lookup.server";
import { advanceConfirmAttempt, recordProviderPaymentId } from "~/models/payment.server";
import {
  advanceRefundAttempt,
  endPendingCheckout,
  findRefundsDue,
  recordLineRefund,
  withLockedCheckout,
  type DuplicateLine,
} from "~/models/settlement.server";
import type { CheckoutSessionStatus } from "~/generated/prisma/enums";
import { paymentProvider, type PaymentOutcome } from "~/services/payments/index.server";
import type { SessionForProvider } from "~/services/payments/provider";
import { UNKNOWN_WINDOW_FAILURE, WINDOW_FAILURES } from "~/services/payments/toss-codes";
import { hit } from "~/services/web/rate-limit.server";
import { decideSettlement } from "~/services/checkout/settlement-rules";

// Settling a checkout: the one function the webhook, the success return, the
// reconciliation job and the ending of a checkout call. It runs in one
// transaction with the session row locked and only writes what the rule
// table decides, so calling it twice, or from two servers at once, has the
// effects of calling it once.

export interface FulfilResult {
  status: CheckoutSessionStatus;
  changed: boolean;
  /** Lines the buyer had already paid for elsewhere: refunded through the provider. */
  duplicates: DuplicateLine[];
}

export async function fulfil(sessionId: string, outcome: PaymentOutcome): Promise<FulfilResult | null> {
  return withLockedCheckout(sessionId, async (ledger) => {
    if (!ledger) return null;
    const { checkout } = ledger;
    const { next, effect } = decideSettlement(checkout.status, checkout, outcome);
    const result: FulfilResult = { status: next, changed: effect.kind !== "none", duplicates: [] };
    switch (effect.kind) {
      case "none":
        break;
      case "note-payment":
        await ledger.notePayment(effect.paymentId);
        break;
      case "mark-paid":
        result.duplicates = await ledger.markPaid(effect);
        break;
      case "record-mismatch":
        console.warn(
          JSON.stringify({
            event: "payment_amount_mismatch",
            sessionId,
            expected: { amount: checkout.total, currency: checkout.currency },
            reported: { amount: effect.amount, currency: effect.currency },
          }),
        );
        await ledger.recordMismatch(effect);
        break;
      case "mark-ended":
        await ledger.markEnded(effect.status, effect.failure);
        break;
      case "mark-refunded":
        await ledger.markRefunded();
        break;
      case "suspend-access":
        await ledger.suspendAccess();
        break;
      case "restore-access":
        await ledger.restoreAccess();
        break;
    }
    return result;
  });
}

/** Settles, then refunds any line the buyer turned out to have paid for twice. */
export async function settle(sessionId: string, outcome: PaymentOutcome): Promise<FulfilResult | null> {
  const result = await fulfil(sessionId, outcome);
  if (result && result.duplicates.length > 0) {
    console.warn(JSON.stringify({ event: "duplicate_purchase", sessionId, lines: result.duplicates.length }));
    await refundDuplicateLines({ sessionId });
  }
  return result;
}

/**
 * Asks the provider to refund each line that was paid twice and not yet
 * refunded, one refund per line under an idempotency key of its own. A refund
 * the provider cannot make now stays due for the reconciliation job; after an
 * error answer, which the provider replays for its key, the next attempt asks
 * whether it went through after all and otherwise uses a new key.
 */
export async function refundDuplicateLines({ sessionId, limit = 50 }: { sessionId?: string; limit?: number } = {}) {
  const due = await findRefundsDue(limit, sessionId);
  let refunded = 0;
  for (const line of due) {
    const payment = line.checkoutSession.payment;
    const answer = await paymentProvider(line.checkoutSession.provider).refundLine(
      { sessionId: line.checkoutSessionId, currency: line.currency, paymentId: payment?.providerPaymentId ?? null },
      { orderId: line.id, amount: line.amount, attempt: line.refundAttempt },
    );
    if (answer.ok) {
      await recordLineRefund(line.id, answer.refundId);
      refunded += 1;
    } else {
      console.error(JSON.stringify({ event: "duplicate_refund_failed", orderId: line.id, code: answer.code, message: answer.message }));
      if (answer.newKey) await advanceRefundAttempt(line.id, line.refundAttempt);
    }
  }
  return { due: due.length, refunded };
}

export function forProvider(checkout: CheckoutSummary): SessionForProvider {
  return {
    id: checkout.id,
    total: checkout.total,
    currency: checkout.currency,
    reference: checkout.payment?.providerReference ?? null,
    paymentId: checkout.payment?.providerPaymentId ?? null,
    confirmAttempt: checkout.payment?.confirmAttempt ?? 0,
  };
}

/**
 * The shopper is back from the provider: ask the provider (Stripe: retrieve
 * the session; Toss: check the amount, then confirm) and settle, so nobody
 * waits on a late webhook.
 */
export async function settleFromReturn(sessionId: string, params: URLSearchParams): Promise<FulfilResult | null> {
  const checkout = await checkoutSummaryForProvider(sessionId);
  if (!checkout) return null;
  const provider = paymentProvider(checkout.provider);
  const session = forProvider(checkout);
  // Confirming takes the money (Toss): only for a checkout that is still open.
  if (provider.confirmsOnReturn && checkout.status !== "PENDING") params = new URLSearchParams();
  const outcome = await provider.settleReturn(session, params);
  // A confirm that met a transient error: keep the approval's payment id, so
  // that the page or reconciliation can confirm it again.
  const returned = provider.paymentIdOfReturn(session, params);
  if (outcome.kind === "processing" && outcome.confirmRetry && returned && returned !== session.paymentId) {
    await recordProviderPaymentId(sessionId, returned);
  }
  return settleOutcome(sessionId, session, outcome);
}

/** Settles what the provider said; a confirm that met a transient error moves to its next key. */
export async function settleOutcome(sessionId: string, session: SessionForProvider, outcome: PaymentOutcome) {
  if (outcome.kind === "processing" && outcome.confirmRetry) await advanceConfirmAttempt(sessionId, session.confirmAttempt);
  return settle(sessionId, outcome);
}

export type EndCheckoutOutcome = "ended" | "settled" | "gone" | "unavailable";

/**
 * Ends a PENDING checkout at the provider first, then here: expired (or, for
 * Toss, no approved payment) at the provider, then `status` here. If the
 * provider says it was paid meanwhile, it is settled instead. If the provider
 * cannot be asked, nothing changes: a checkout that may still be payable is
 * never ended here.
 */
export async function endOpenCheckout(
  sessionId: string,
  status: "EXPIRED" | "CANCELED" | "FAILED",
  failure?: { code: string; message: string },
  /** The checkout as the caller just read it, which saves reading it again. */
  known?: CheckoutSummary,
): Promise<EndCheckoutOutcome> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const checkout = attempt === 0 && known ? known : await checkoutSummaryForProvider(sessionId);
    if (!checkout || checkout.status !== "PENDING") return "gone";
    const atProvider = await paymentProvider(checkout.provider).endCheckout(forProvider(checkout));
    if (atProvider.kind === "unavailable") {
      console.warn(JSON.stringify({ event: "end_checkout_unavailable", sessionId, code: atProvider.code, message: atProvider.message }));
      return "unavailable";
    }
    if (atProvider.kind === "completed") {
      await settle(sessionId, atProvider.outcome);
      return "settled";
    }
    // Only if no request recorded a provider page since this one looked; over
    // the provider's own "expired" event for this end, if that came first.
    if (await endPendingCheckout(sessionId, status, failure, { seenCheckoutUrl: checkout.checkoutUrl, overPlainExpiry: true })) return "ended";
  }
  return "unavailable";
}

/**
 * TossPayments' window sent the shopper to the fail URL. A closed window
 * ends the checkout CANCELED, anything else FAILED, each with the shop's
 * fixed message for the code.
 */
export async function recordWindowFailure(sessionId: string, code: string | null): Promise<"canceled" | "failed"> {
  const known = code ? WINDOW_FAILURES[code] : undefined;
  const { outcome, message } = known ?? UNKNOWN_WINDOW_FAILURE;
  const failureCode = known ? code! : "PAYMENT_WINDOW_FAILED";
  await endPendingCheckout(sessionId, outcome === "canceled" ? "CANCELED" : "FAILED", { code: failureCode, message });
  return outcome;
}

/** At most one look at the provider per checkout in this window, however often its page is polled. */
export const PROVIDER_CHECK_INTERVAL_MS = 10_000;

/**
 * The checkout's page is shown without a return from the provider (a
 * refresh, or the page polling): it reads the shop's own database, and asks
 * the provider at most once per PROVIDER_CHECK_INTERVAL_MS per checkout.
 */
export async function checkFromPage(sessionId: string): Promise<FulfilResult | null> {
  const checks = await hit({ [`provider-check:${sessionId}`]: 1 }, PROVIDER_CHECK_INTERVAL_MS);
  if (checks.limited) return null;
  return settleFromReturn(sessionId, new URLSearchParams());
}
