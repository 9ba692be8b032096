import { db } from "~/db.server";
import { purchasedProductSelect } from "~/models/product.server";

// The reads of a checkout the pages, webhooks and jobs need.

/** Where a checkout stands while another request opens its provider page. */
export async function findCheckoutProgress(sessionId: string) {
  return db().checkoutSession.findUnique({ where: { id: sessionId }, select: { status: true, checkoutUrl: true } });
}

/** The checkout a provider reference or payment id belongs to. */
export async function findSessionIdByProviderIds({ reference, paymentId }: { reference: string | null; paymentId: string | null }) {
  if (!reference && !paymentId) return null;
  const payment = await db().payment.findFirst({
    where: { OR: [...(reference ? [{ providerReference: reference }] : []), ...(paymentId ? [{ providerPaymentId: paymentId }] : [])] },
    select: { checkoutSessionId: true },
  });
  return payment?.checkoutSessionId ?? null;
}

/** The checkout with everything its pages show, if it belongs to this buyer. */
export async function findCheckoutForBuyer(sessionId: string, buyerId: string) {
  return db().checkoutSession.findFirst({
    where: { id: sessionId, buyerId },
    select: {
      id: true,
      status: true,
      currency: true,
      total: true,
      provider: true,
      expiresAt: true,
      createdAt: true,
      paidAt: true,
      receiptNumber: true,
      failureCode: true,
      failureMessage: true,
      checkoutUrl: true,
      buyer: { select: { email: true, displayName: true } },
      payment: {
        select: { provider: true, providerReference: true, providerPaymentId: true, status: true, amount: true, currency: true },
      },
      // In no particular order: the service puts them in the lines' one order (line-order.ts).
      orders: {
        select: {
          id: true,
          productId: true,
          status: true,
          amount: true,
          currency: true,
          refundRequestedAt: true,
          product: { select: purchasedProductSelect },
        },
      },
    },
  });
}

/** What a provider needs to know about a checkout to ask about it or end it. */
export async function checkoutSummaryForProvider(sessionId: string) {
  return db().checkoutSession.findUnique({
    where: { id: sessionId },
    select: {
      id: true,
      status: true,
      total: true,
      currency: true,
      provider: true,
      expiresAt: true,
      checkoutUrl: true,
      payment: { select: { providerReference: true, providerPaymentId: true, confirmAttempt: true } },
    },
  });
}

export type CheckoutSummary = NonNullable<Awaited<ReturnType<typeof checkoutSummaryForProvider>>>;
