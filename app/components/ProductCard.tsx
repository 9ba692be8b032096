import { Link } from "@remix-run/react";
import { AddToCartForm } from "~/components/cart/CartForms";
import { Price } from "~/components/Price";
import { VerificationBadge, type VerificationLevel } from "~/components/VerificationBadge";
import { ProductCover } from "~/components/ProductCover";
import { toCartItem } from "~/services/cart/cart";
import { productKindLabel } from "~/services/catalog/kinds";
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
  coverUrl: string;
}

export function ProductCard({ product }: { product: ProductSummary }) {
  return (
    <article className="card" data-testid="product-card">
      <ProductCover src={product.coverUrl} />
      <span className="muted" data-testid="product-kind">
        {productKindLabel(product.kind)}
      </span>
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
