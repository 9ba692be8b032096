import { createHash } from "node:crypto";
import { findProductsForBuyer } from "~/models/product.server";
import type { CheckoutItemInput } from "~/services/checkout/input";
import { formatMoney, MINIMUM_CHARGE, sumMinorUnits, type CurrencyCode } from "~/services/money";
import { PROVIDER_FOR_CURRENCY, type ProviderName } from "~/services/payments/index.server";

// Re-prices a cart from the database. The shopper's prices are used only to
// notice that a price changed since they saw it.

export interface QuoteLine {
  productId: string;
  title: string;
  amount: number;
}

export interface Quote {
  currency: CurrencyCode;
  total: number;
  provider: ProviderName;
  lines: QuoteLine[];
  hash: string;
}

export type QuoteResult =
  | { ok: true; quote: Quote }
  /** The cart is not what the shopper saw: a price changed, or the currencies are mixed. */
  | { ok: false; reason: "changed"; problems: string[] }
  /** Products the shopper cannot buy: owned already, their own, or no longer for sale. */
  | { ok: false; reason: "not-for-sale"; problems: string[] }
  /** The total is below what the provider can charge. */
  | { ok: false; reason: "below-minimum"; problems: string[] };

export function quoteHash(buyerId: string, currency: CurrencyCode, lines: readonly QuoteLine[]): string {
  const canonical = [buyerId, currency, ...lines.map((line) => `${line.productId}:${line.amount}`).sort()].join("|");
  return createHash("sha256").update(canonical).digest("hex");
}

export async function quoteCart(buyer: { id: string }, items: readonly CheckoutItemInput[]): Promise<QuoteResult> {
  const unique = [...new Map(items.map((item) => [item.id, item])).values()];
  const currencies = new Set(unique.map((item) => item.currency));
  if (currencies.size > 1) {
    return { ok: false, reason: "changed", problems: ["This payment mixes US dollars and won. Pay for each currency separately."] };
  }

  // One query for the products and which of them the buyer already owns.
  const products = await findProductsForBuyer(buyer.id, unique.map((item) => item.id));
  const byId = new Map(products.map((product) => [product.id, product]));

  const problems: string[] = [];
  let priceChanged = false;
  const lines: QuoteLine[] = [];
  for (const item of unique) {
    const product = byId.get(item.id);
    if (!product || !product.published) {
      problems.push(product ? `${product.title} is no longer for sale.` : "A product in your cart no longer exists.");
      continue;
    }
    if (product.sellerId === buyer.id) {
      problems.push(`${product.title} is your own product; sellers cannot buy their own listings.`);
      continue;
    }
    if (product.owned) {
      problems.push(`You already own ${product.title}; it is in your library.`);
      continue;
    }
    if (product.currency !== item.currency || product.price !== item.price) {
      const shown = item.currency === product.currency ? formatMoney(item.price, item.currency) : `${item.price} ${item.currency}`;
      problems.push(`The price of ${product.title} changed from ${shown} to ${formatMoney(product.price, product.currency)}.`);
      priceChanged = true;
      continue;
    }
    lines.push({ productId: product.id, title: product.title, amount: product.price });
  }
  if (problems.length > 0) return { ok: false, reason: priceChanged ? "changed" : "not-for-sale", problems };

  const currency = unique[0].currency;
  const total = sumMinorUnits(lines.map((line) => line.amount));
  if (total < MINIMUM_CHARGE[currency]) {
    return {
      ok: false,
      reason: "below-minimum",
      problems: [
        `The total of ${formatMoney(total, currency)} is below ${formatMoney(MINIMUM_CHARGE[currency], currency)}, the smallest payment the card provider accepts. Add another product to pay for this cart.`,
      ],
    };
  }
  return {
    ok: true,
    quote: {
      currency,
      total,
      provider: PROVIDER_FOR_CURRENCY[currency],
      lines,
      hash: quoteHash(buyer.id, currency, lines),
    },
  };
}
