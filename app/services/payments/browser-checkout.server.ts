import { env } from "~/env.server";
import type { OpenCheckout } from "~/services/checkout/post-result";
import { tossSdkRequest, type TossSdkRequest } from "~/services/payments/toss-sdk";

// With JavaScript on, the page opens the provider's window itself where the
// provider has a browser SDK (TossPayments), for the checkout the post wrote;
// the server calls the provider for no window. If the SDK cannot be used, the
// page posts again without JavaScript's mark, and the server opens its window
// (where that is switched on).

export interface BrowserCheckout {
  ok: true;
  sessionId: string;
  /** A provider page the server opened (always, for a provider without a browser SDK); else null. */
  redirectUrl: string | null;
  toss: TossSdkRequest | null;
}

export function browserCheckout(
  buyer: { email: string; displayName: string },
  started: { sessionId: string; redirectUrl: string | null; checkout: OpenCheckout },
): BrowserCheckout {
  const plain: BrowserCheckout = { ok: true, sessionId: started.sessionId, redirectUrl: started.redirectUrl, toss: null };
  const { provider, total, reference, titles } = started.checkout;
  const settings = env();
  if (provider !== "TOSS" || !reference || !settings.TOSS_CLIENT_KEY) return plain;
  return {
    ...plain,
    toss: tossSdkRequest({
      sdkUrl: settings.TOSS_SDK_URL,
      clientKey: settings.TOSS_CLIENT_KEY,
      appUrl: settings.APP_URL,
      sessionId: started.sessionId,
      orderId: reference,
      total,
      titles,
      buyer,
    }),
  };
}
