import type { PaymentProvider as ProviderEnum } from "~/generated/prisma/enums";
import type { CurrencyCode } from "~/services/money";

// The one interface every payment provider implements. Nothing outside
// app/services/payments knows which provider a checkout uses.

export type ProviderName = ProviderEnum;

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
  /** The same for every request that may open this checkout, on any server. */
  idempotencyKey: string;
}

export type CreateCheckoutResult =
  | { ok: true; reference: string; paymentId: string | null; redirectUrl: string }
  /** Another request with the same idempotency key is being answered: it is opening this checkout. */
  | { ok: false; kind: "busy"; code: string; message: string }
  /**
   * An error or no answer: the provider may or may not have opened a checkout.
   * `newKey`: the provider keeps this answer for the key, so only a new key can succeed.
   */
  | { ok: false; kind: "unavailable"; code: string; message: string; newKey: boolean }
  /** The provider refused the request: it opened nothing. */
  | { ok: false; kind: "refused"; code: string; message: string }
  /** The provider cannot open this page from the server (Toss's window is opened by its browser SDK). */
  | { ok: false; kind: "unsupported"; code: string; message: string };

/** What a provider says happened to a payment, once verified with it. */
export type PaymentOutcome =
  | { kind: "paid"; reference: string; paymentId: string; amount: number; currency: string }
  /** The provider's page is open and can still be paid. */
  | { kind: "open" }
  /**
   * A payment is under way (an asynchronous method, an approval not yet
   * confirmed), or the provider could not say. `confirmRetry`: the confirm
   * met a transient error; confirm again later under the next key.
   * `paymentId`: the provider named the payment under way (the shop then
   * tells the shopper it is being processed, not merely waiting).
   */
  | { kind: "processing"; confirmRetry?: boolean; paymentId?: string }
  | { kind: "failed"; code: string; message: string }
  | { kind: "canceled"; code: string; message: string }
  | { kind: "expired" }
  | { kind: "refunded"; paymentId: string }
  /** A chargeback was opened: access is suspended until it is decided. */
  | { kind: "dispute-opened"; paymentId: string }
  /** The chargeback was decided for the shop (a lost one arrives as "refunded"). */
  | { kind: "dispute-won"; paymentId: string };

export interface SessionForProvider {
  id: string;
  total: number;
  currency: CurrencyCode;
  reference: string | null;
  paymentId: string | null;
  /** Which attempt at confirming the payment this is (Toss). */
  confirmAttempt: number;
}

/** A settled payment, for refunds. */
export interface SettledPayment {
  sessionId: string;
  currency: CurrencyCode;
  paymentId: string | null;
}

/** The answer to "end this checkout at the provider". */
export type EndCheckoutResult =
  /** Nothing payable is left at the provider. */
  | { kind: "ended" }
  /** It was paid, or a payment is under way: settle it with this outcome instead. */
  | { kind: "completed"; outcome: PaymentOutcome }
  | { kind: "unavailable"; code: string; message: string };

/**
 * A refund's answer. `newKey`: the provider answered with an error, which it
 * replays for the same key, so the next attempt needs a new key (and first
 * asks whether this one went through after all).
 */
export type RefundResult = { ok: true; refundId: string } | { ok: false; code: string; message: string; newKey: boolean };

/** One line paid twice, to refund; `attempt` > 0 after an earlier attempt answered an error. */
export interface RefundLine {
  orderId: string;
  amount: number;
  attempt: number;
}

/**
 * The Idempotency-Key of the `attempt`-th try at one request: the same from
 * every server, and new after an error answer, which Stripe and TossPayments
 * both replay for the key that got it.
 */
export function attemptKey(base: string, attempt: number): string {
  return attempt === 0 ? base : `${base}-attempt-${attempt}`;
}

/** What a provider's webhook turned out to be, once verified. */
export type WebhookResult =
  /** Not a well-formed or authentic event of this provider: 400. */
  | { kind: "invalid"; message: string }
  /** Authentic or harmless, but nothing the shop acts on (or already handled): 200, nothing stored. */
  | { kind: "ignored"; reason: string }
  /** It could not be verified just now: 503, nothing stored, so the provider delivers it again later. */
  | { kind: "retry"; message: string }
  | {
      kind: "event";
      eventId: string;
      eventType: string;
      payload: unknown;
      /** The payment the event is about, and what it says, or null to record it only. */
      subject: null | { reference: string | null; paymentId: string | null; sessionId: string | null; outcome: PaymentOutcome };
    };

export interface PaymentProvider {
  readonly name: ProviderName;
  /** How long the provider's page must stay open at least when it is created (Stripe: 30 minutes). */
  readonly minimumCheckoutLifetimeMs: number;
  /** The shopper's browser opens the payment page itself, through the provider's SDK (Toss). */
  readonly opensInBrowser: boolean;
  /** The shop takes the money by confirming the payment when the shopper returns (Toss), so only an open checkout may confirm. */
  readonly confirmsOnReturn: boolean;
  /** Whether the server may open the payment page for a shopper without JavaScript. */
  canOpenFromServer(): boolean;
  createCheckout(request: CheckoutRequest): Promise<CreateCheckoutResult>;
  /** Makes the provider's checkout unpayable, or says it was paid meanwhile. */
  endCheckout(session: SessionForProvider): Promise<EndCheckoutResult>;
  /** Asks the provider how the checkout stands (reconciliation). */
  lookup(session: SessionForProvider): Promise<PaymentOutcome | { kind: "unavailable"; code: string; message: string }>;
  /**
   * Refunds `amount` of a settled payment: one line that was paid twice. A
   * later attempt first looks for a refund of this line an earlier attempt
   * made, so a line is never refunded twice.
   */
  refundLine(payment: SettledPayment, line: RefundLine): Promise<RefundResult>;
  /** The provider's payment id in a success return for this checkout, to keep before confirming (Toss's paymentKey). */
  paymentIdOfReturn(session: SessionForProvider, params: URLSearchParams): string | null;
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
