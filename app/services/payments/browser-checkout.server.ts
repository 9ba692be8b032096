import { env } from "~/env.server";
import type { OpenCheckout } from "~/services/checkout.server";
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

export function browserCheckout(
  buyer: { email: string; displayName: string },
  started: { sessionId: string; redirectUrl: string; checkout: OpenCheckout },
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
