import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { z } from "zod";
import { Price } from "~/components/Price";
import { AddToCartForm } from "~/components/cart/CartForms";
import { ProductCover } from "~/components/ProductCover";
import { VerificationBadge } from "~/components/VerificationBadge";
import { useRootData } from "~/root";
import { findPublishedProduct } from "~/models/product.server";
import { serializeCheckoutItems, toCartItem } from "~/services/cart/cart";
import { coverUrl } from "~/services/catalog/covers.server";
import { productKindLabel } from "~/services/catalog/kinds";
import { formatFileSize } from "~/services/library/files";
import { guard } from "~/services/web/route-guard.server";
import { passRetryAfter } from "~/services/web/route-headers";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";

const Params = z.object({ productId: z.string().uuid() });

async function load({ params }: LoaderFunctionArgs) {
  const parsed = Params.safeParse(params);
  const product = parsed.success ? await findPublishedProduct(parsed.data.productId) : null;
  if (!product) throw new Response("Product not found", { status: 404 });
  return json({ product, coverUrl: coverUrl(product) });
}

export const loader = (args: LoaderFunctionArgs) => guard(args, load);

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  data
    ? [{ title: `${data.product.title} · AI Marketplace` }, { name: "description", content: data.product.summary }]
    : [{ title: "Product not found · AI Marketplace" }];

export default function ProductPage() {
  const { product, coverUrl } = useLoaderData<typeof loader>();
  const root = useRootData();
  const [searchParams] = useSearchParams();
  const owned = root?.owned.includes(product.id) ?? false;
  // Back from logging in or signing up to buy this product: one press continues.
  const resumingPurchase = searchParams.get("buy") === "1" && Boolean(root?.user) && !owned;
  return (
    <article className="product">
      <p className="muted">
        <Link to="/">Catalog</Link> / {productKindLabel(product.kind)}
      </p>
      <ProductCover src={coverUrl} large />
      <h1>{product.title}</h1>
      <p className="seller">by {product.seller.displayName}</p>
      <VerificationBadge level={product.verificationLevel} />
      <p>{product.description}</p>
      <p>
        <Price amount={product.price} currency={product.currency} />
      </p>
      {resumingPurchase ? (
        <p className="notice" role="status">
          You are logged in. Press Buy now to pay for {product.title}.
        </p>
      ) : null}
      {owned ? (
        <p className="notice">
          You own this product: its files are in <Link to="/account/purchases">your library</Link>.
        </p>
      ) : (
        <div className="product-actions">
          <AddToCartForm item={toCartItem(product)} />
          <Form method="post" action="/cart">
            <AuthenticityTokenInput />
            <input type="hidden" name="intent" value="checkout" />
            <input type="hidden" name="items" value={serializeCheckoutItems([product])} />
            <input type="hidden" name="returnTo" value={`/products/${product.id}?buy=1`} />
            <button type="submit" className="button button-secondary" autoFocus={resumingPurchase}>
              Buy now
            </button>
          </Form>
        </div>
      )}
      <h2>Files</h2>
      <ul className="files">
        {product.files.map((file) => (
          <li key={file.id}>
            {file.filename} <span className="muted">({formatFileSize(file.sizeBytes)})</span>
          </li>
        ))}
      </ul>
    </article>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary statusHandlers={{ 404: () => ({ title: "Product not found", advice: "This product is not in the catalog, or is no longer for sale." }) }} />;
}

export const headers = passRetryAfter;
