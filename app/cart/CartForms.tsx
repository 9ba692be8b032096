import { useFetcher, useLocation } from "@remix-run/react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { useHydrated } from "remix-utils/use-hydrated";
import { useCart } from "~/cart/useCart";
import type { CartItem } from "~/services/cart";

// Forms that post to the cart route's action. Without JavaScript they are
// plain posts answered with a redirect back; with it, the page writes the
// change to the cart cookie at once and a fetcher tells the server in the
// background.

function useReturnTo(): string {
  const location = useLocation();
  return `${location.pathname}${location.search}`;
}

export function AddToCartForm({ item }: { item: CartItem }) {
  const fetcher = useFetcher<{ ok: boolean; message: string }>();
  const cart = useCart();
  const hydrated = useHydrated();
  const returnTo = useReturnTo();
  const inCart = cart.items.some((existing) => existing.id === item.id);
  const failed = fetcher.data && !fetcher.data.ok ? fetcher.data.message : null;
  return (
    <fetcher.Form method="post" action="/cart" onSubmit={() => cart.add(item)} className="cart-form">
      <AuthenticityTokenInput />
      <input type="hidden" name="intent" value="add" />
      <input type="hidden" name="productId" value={item.id} />
      <input type="hidden" name="returnTo" value={returnTo} />
      {hydrated ? <input type="hidden" name="enhanced" value="1" /> : null}
      <button type="submit" className="button" disabled={hydrated && inCart} aria-label={`Add ${item.title} to cart`}>
        {hydrated && inCart ? "In your cart" : "Add to cart"}
      </button>
      {failed ? <p role="alert">{failed}</p> : null}
    </fetcher.Form>
  );
}

export function RemoveFromCartForm({ productId, title }: { productId: string; title: string }) {
  const fetcher = useFetcher();
  const cart = useCart();
  const hydrated = useHydrated();
  return (
    <fetcher.Form method="post" action="/cart" onSubmit={() => cart.remove(productId)}>
      <AuthenticityTokenInput />
      <input type="hidden" name="intent" value="remove" />
      <input type="hidden" name="productId" value={productId} />
      <input type="hidden" name="returnTo" value="/cart" />
      {hydrated ? <input type="hidden" name="enhanced" value="1" /> : null}
      <button type="submit" className="link-button" aria-label={`Remove ${title} from cart`}>
        Remove
      </button>
    </fetcher.Form>
  );
}
