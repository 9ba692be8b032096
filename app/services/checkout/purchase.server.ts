import { z } from "zod";
import { findCheckoutForBuyer } from "~/models/checkout-lookup.server";
import { byLineOrder } from "~/services/checkout/line-order";

const SessionId = z.string().uuid();

/**
 * The buyer's checkout as the buyer's pages show it, or a 404 for anything
 * else (another buyer's, a malformed id). The provider's payment id (a Toss
 * paymentKey) stays on the server: the pages learn only whether a payment is
 * under way, and the provider's reference.
 */
export async function requireOwnCheckout(sessionId: string | undefined, buyerId: string) {
  const parsed = SessionId.safeParse(sessionId);
  const checkout = parsed.success ? await findCheckoutForBuyer(parsed.data, buyerId) : null;
  if (!checkout) throw new Response("Not found", { status: 404 });
  const { payment, ...shown } = checkout;
  return {
    ...shown,
    orders: [...checkout.orders].sort(byLineOrder),
    providerReference: payment?.providerReference ?? null,
    paymentUnderWay: checkout.status === "PENDING" && Boolean(payment?.providerPaymentId),
  };
}
