import type { PaymentProvider } from "~/generated/prisma/enums";

// What a checkout post can come to, in the shop's words: no HTTP here. Each
// route (the cart's form, the JSON API) maps these to its answer once.

/** What the provider was asked for, for a page that opens the provider's window itself. */
export interface OpenCheckout {
  provider: PaymentProvider;
  total: number;
  reference: string | null;
  /** Product titles in the lines' canonical order. */
  titles: string[];
}

/** A checkout post's answer, in the shop's words; each route turns it into HTTP once. */
export type CheckoutPostResult =
  /**
   * The checkout is open. `redirectUrl`: the provider's page the server
   * opened; null when the shopper's browser opens it (Toss's SDK) and the
   * server has not opened one.
   */
  | { kind: "opened"; sessionId: string; redirectUrl: string | null; reused: boolean; checkout: OpenCheckout }
  | { kind: "invalid"; problems: string[] }
  | { kind: "limited"; problems: string[]; retryAfterSeconds: number }
  | { kind: "changed"; problems: string[] }
  | { kind: "not-for-sale"; problems: string[] }
  | { kind: "below-minimum"; problems: string[] }
  /** Another request is opening this very checkout at the provider and has not finished. */
  | { kind: "preparing"; sessionId: string; problems: string[] }
  /** The provider could not be reached or answered with an error: nothing was charged, try again. */
  | { kind: "provider-unavailable"; problems: string[] }
  /** The provider refused to open the payment. */
  | { kind: "provider-refused"; sessionId: string; problems: string[] }
  /** This provider's page can only be opened by the browser (Toss's SDK), and the post came without JavaScript. */
  | { kind: "needs-javascript"; problems: string[] };

export interface CheckoutPostOptions {
  /** The page opens the provider's window itself when the provider has a browser SDK (JavaScript on). */
  inBrowser?: boolean;
  /** The page's provider SDK failed, and it posts as a page without JavaScript would. */
  sdkFailed?: boolean;
}
