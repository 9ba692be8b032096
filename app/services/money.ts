import { Currency } from "~/generated/prisma/enums";
// Money is an integer count of the currency's minor unit everywhere in the shop:
// USD in cents, KRW in won (KRW has no minor unit). This module is the only
// place that knows how many digits a currency has and how to show an amount.

/** The shop's currencies, in the order the cart shows them (Prisma's `Currency`). */
export const CURRENCIES = [Currency.USD, Currency.KRW] as const satisfies readonly Currency[];
export type CurrencyCode = Currency;

const MINOR_DIGITS: Record<CurrencyCode, number> = { USD: 2, KRW: 0 };
const LOCALE: Record<CurrencyCode, string> = { USD: "en-US", KRW: "en-US" };

export class MoneyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MoneyError";
  }
}

/** Throws unless `amount` is a whole, non-negative, safe number of minor units. */
export function assertMinorUnits(amount: number): number {
  if (!Number.isSafeInteger(amount) || amount < 0) {
    throw new MoneyError(
      `An amount must be a whole, non-negative number of minor units (cents, won); got ${amount}.`,
    );
  }
  return amount;
}

const formatters = new Map<CurrencyCode, Intl.NumberFormat>();

function formatter(currency: CurrencyCode): Intl.NumberFormat {
  let result = formatters.get(currency);
  if (!result) {
    const digits = MINOR_DIGITS[currency];
    result = new Intl.NumberFormat(LOCALE[currency], {
      style: "currency",
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
    formatters.set(currency, result);
  }
  return result;
}

/** `formatMoney(1250, "USD")` is `$12.50`; `formatMoney(15000, "KRW")` is `₩15,000`. */
export function formatMoney(amount: number, currency: CurrencyCode): string {
  assertMinorUnits(amount);
  return formatter(currency).format(amount / 10 ** MINOR_DIGITS[currency]);
}

/** Parses a decimal written in major units ("12.50", "15000") into minor units. */
export function parseMajorUnits(text: string, currency: CurrencyCode): number {
  const digits = MINOR_DIGITS[currency];
  const pattern = digits === 0 ? /^\d+$/ : new RegExp(`^\\d+(?:\\.\\d{1,${digits}})?$`);
  const trimmed = text.trim();
  if (!pattern.test(trimmed)) {
    throw new MoneyError(
      digits === 0
        ? `${currency} amounts are whole numbers with no decimals; got "${text}".`
        : `${currency} amounts have at most ${digits} decimals; got "${text}".`,
    );
  }
  const [whole, fraction = ""] = trimmed.split(".");
  return assertMinorUnits(Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, "0") || "0"));
}

export function sumMinorUnits(amounts: readonly number[]): number {
  return assertMinorUnits(amounts.reduce((total, amount) => total + assertMinorUnits(amount), 0));
}

/**
 * Stripe takes `unit_amount` in the currency's smallest unit and treats KRW as
 * zero-decimal, so our minor units are exactly what it expects.
 */
export function toStripeAmount(amount: number, currency: CurrencyCode): { unit_amount: number; currency: string } {
  return { unit_amount: assertMinorUnits(amount), currency: currency.toLowerCase() };
}

/**
 * The smallest total each currency's provider charges: Stripe's minimum for a
 * USD charge is $0.50 (https://docs.stripe.com/currencies#minimum-and-maximum-charge-amounts),
 * TossPayments' for a card payment 100 won (its BELOW_MINIMUM_AMOUNT error).
 */
export const MINIMUM_CHARGE: Record<CurrencyCode, number> = { USD: 50, KRW: 100 };

/** TossPayments charges whole won. */
export function toTossAmount(amount: number, currency: CurrencyCode): number {
  if (currency !== "KRW") throw new MoneyError(`TossPayments charges KRW only; got ${currency}.`);
  return assertMinorUnits(amount);
}
