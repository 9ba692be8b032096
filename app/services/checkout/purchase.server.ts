import { z } from "zod";
import { findCheckoutForBuyer } from "~/models/checkout-lookup.server";
import { byLineOrder } from "~/services/checkout/line-order";

const SessionId = z.string().uuid();

/** The buyer's checkout, or a 404 for anything else (another buyer's, a malformed id). */
export async function requireOwnCheckout(sessionId: string | undefined, buyerId: string) {
  const parsed = SessionId.safeParse(sessionId);
  const checkout = parsed.success ? await findCheckoutForBuyer(parsed.data, buyerId) : null;
  if (!checkout) throw new Response("Not found", { status: 404 });
  return { ...checkout, orders: [...checkout.orders].sort(byLineOrder) };
}
