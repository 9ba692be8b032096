import { env } from "~/env.server";
import { findCheckoutForBuyer } from "~/models/checkout.server";
import { byLineOrder } from "~/services/line-order";
import { tossSdkRequest, type TossSdkRequest } from "~/services/payments/toss-sdk";

// With JavaScript on, the page opens the provider's window itself where the
// provider has a browser SDK (TossPayments); the checkout it pays is the one
// startCheckout already wrote, and `redirectUrl` (the window the server opened
// for the same checkout) is where the page goes when the SDK cannot be used.

export interface BrowserCheckout {
  ok: true;
  sessionId: string;
  /** The server-created window: the fallback, and the only way without an SDK. */
  redirectUrl: string;
  toss: TossSdkRequest | null;
}

export async function browserCheckout(
  buyer: { id: string },
  started: { sessionId: string; redirectUrl: string },
): Promise<BrowserCheckout> {
  const plain: BrowserCheckout = { ok: true, sessionId: started.sessionId, redirectUrl: started.redirectUrl, toss: null };
  const checkout = await findCheckoutForBuyer(started.sessionId, buyer.id);
  const orderId = checkout?.payment?.providerReference;
  const settings = env();
  if (!checkout || checkout.provider !== "TOSS" || checkout.status !== "PENDING" || !orderId || !settings.TOSS_CLIENT_KEY) return plain;
  return {
    ...plain,
    toss: tossSdkRequest({
      sdkUrl: settings.TOSS_SDK_URL,
      clientKey: settings.TOSS_CLIENT_KEY,
      appUrl: settings.APP_URL,
      sessionId: checkout.id,
      orderId,
      total: checkout.total,
      titles: [...checkout.orders].sort(byLineOrder).map((order) => order.product.title),
      buyer: checkout.buyer,
    }),
  };
}
