import type { PaymentProvider } from "~/generated/prisma/enums";

// Dates in UTC: what the server renders (see LocalTime for the browser's own zone).
const dateTime = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
const dateOnly = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" });

export function formatDateTime(value: string | Date): string {
  return `${dateTime.format(new Date(value))} UTC`;
}

export function formatDate(value: string | Date): string {
  return dateOnly.format(new Date(value));
}

const PROVIDER_NAMES: Record<PaymentProvider, string> = { STRIPE: "Stripe", TOSS: "TossPayments" };

export function providerName(provider: PaymentProvider): string {
  return PROVIDER_NAMES[provider];
}
