import { formatMoney, type CurrencyCode } from "~/services/money";

export function Price({ amount, currency }: { amount: number; currency: CurrencyCode }) {
  return <span className="price">{formatMoney(amount, currency)}</span>;
}
