import type { CurrencyCode } from "~/services/money";
import type { PaymentProvider, ProviderName } from "~/services/payments/provider";
import { stripeProvider } from "~/services/payments/stripe.server";
import { tossProvider } from "~/services/payments/toss.server";
import { tossOrderId } from "~/services/payments/toss-params";

export type { PaymentOutcome, ProviderName } from "~/services/payments/provider";

/** Which provider takes which currency. */
export const PROVIDER_FOR_CURRENCY: Record<CurrencyCode, ProviderName> = {
  USD: "STRIPE",
  KRW: "TOSS",
};

const PROVIDERS: Record<ProviderName, PaymentProvider> = {
  STRIPE: stripeProvider,
  TOSS: tossProvider,
};

export function paymentProvider(name: ProviderName): PaymentProvider {
  return PROVIDERS[name];
}

/** The reference we choose ourselves before calling the provider, where the provider lets us. */
export function referenceChosenByUs(provider: ProviderName, sessionId: string): string | null {
  return provider === "TOSS" ? tossOrderId(sessionId) : null;
}
