import { Link } from "@remix-run/react";
import { AddToCartForm } from "~/cart/CartForms";
import { Price } from "~/components/Price";
import { VerificationBadge, type VerificationLevel } from "~/components/VerificationBadge";
import { toCartItem } from "~/services/cart";
import type { CurrencyCode } from "~/services/money";

export interface ProductSummary {
  id: string;
  title: string;
  summary: string;
  kind: string;
  price: number;
  currency: CurrencyCode;
  verificationLevel: VerificationLevel;
  seller: { id: string; displayName: string };
}

const KIND_LABELS: Record<string, string> = {
  MODEL: "Model",
  PROMPT_PACK: "Prompt pack",
  DATASET: "Dataset",
  AGENT: "Agent",
};

export function productKindLabel(kind: string): string {
  return KIND_LABELS[kind] ?? kind;
}

export function ProductCard({ product }: { product: ProductSummary }) {
  return (
    <article className="card" data-testid="product-card">
      <span className="muted">{productKindLabel(product.kind)}</span>
      <h2>
        <Link to={`/products/${product.id}`}>{product.title}</Link>
      </h2>
      <span className="seller">by {product.seller.displayName}</span>
      <VerificationBadge level={product.verificationLevel} />
      <p>{product.summary}</p>
      <Price amount={product.price} currency={product.currency} />
      <AddToCartForm item={toCartItem(product)} />
    </article>
  );
}
