import type { CurrencyCode } from "~/services/money";

// The one interface every payment provider implements. Nothing outside
// app/services/payments knows which provider a checkout uses.

export type ProviderName = "STRIPE" | "TOSS";

export interface CheckoutLine {
  orderId: string;
  productId: string;
  title: string;
  amount: number;
}

export interface CheckoutRequest {
  sessionId: string;
  buyer: { id: string; email: string; displayName: string };
  currency: CurrencyCode;
  total: number;
  lines: CheckoutLine[];
  expiresAt: Date;
  /** Our reference when it is ours to choose (Toss orderId), else null. */
  reference: string | null;
}

export type CreateCheckoutResult =
  | { ok: true; reference: string; paymentId: string | null; redirectUrl: string }
  | { ok: false; code: string; message: string };

/** What a provider says happened to a payment, once verified with it. */
export type PaymentOutcome =
  | { kind: "paid"; reference: string; paymentId: string; amount: number; currency: string }
  | { kind: "processing" }
  | { kind: "failed"; code: string; message: string }
  | { kind: "canceled"; code: string; message: string }
  | { kind: "expired" }
  | { kind: "refunded"; paymentId: string };

export interface SessionForProvider {
  id: string;
  total: number;
  currency: CurrencyCode;
  reference: string | null;
  paymentId: string | null;
}

export type WebhookResult =
  | { ok: false; status: 400; message: string }
  | {
      ok: true;
      eventId: string;
      eventType: string;
      payload: unknown;
      /** The payment the event is about, and what it says, or null to ignore. */
      subject: null | { reference: string | null; paymentId: string | null; sessionId: string | null; outcome: PaymentOutcome };
    };

export interface PaymentProvider {
  readonly name: ProviderName;
  createCheckout(request: CheckoutRequest): Promise<CreateCheckoutResult>;
  /** The shopper came back to the success URL with these query parameters. */
  settleReturn(session: SessionForProvider, params: URLSearchParams): Promise<PaymentOutcome>;
  /** Verifies a webhook (signature, or a re-fetch from the provider) and says what it is about. */
  parseWebhook(rawBody: string, headers: Headers): Promise<WebhookResult>;
}

export class ProviderError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ProviderError";
  }
}
