import { Link, useFetcher, useLocation } from "@remix-run/react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { useHydrated } from "remix-utils/use-hydrated";
import { useCart } from "~/components/cart/useCart";
import { useRootData } from "~/root";
import type { CartItem } from "~/services/cart/cart";

// Forms that post to the cart route's action. Without JavaScript they are
// plain posts answered with a redirect back; with it, the page writes the
// change to the cart cookie at once and a fetcher tells the server in the
// background.

function useReturnTo(): string {
  const location = useLocation();
  return `${location.pathname}${location.search}`;
}

/** Add to cart; a product already in the cart, or owned, says so instead (with or without JavaScript). */
export function AddToCartForm({ item }: { item: CartItem }) {
  const fetcher = useFetcher<{ ok: boolean; message: string }>();
  const cart = useCart();
  const hydrated = useHydrated();
  const returnTo = useReturnTo();
  const owned = useRootData()?.owned.includes(item.id) ?? false;
  const inCart = cart.items.some((existing) => existing.id === item.id);
  const failed = fetcher.data && !fetcher.data.ok ? fetcher.data.message : null;
  if (owned) {
    return (
      <Link to="/account/purchases" className="tag tag-owned" aria-label={`${item.title} is in your library`}>
        In your library
      </Link>
    );
  }
  if (inCart) {
    return (
      <Link to="/cart" className="tag" aria-label={`${item.title} is in your cart`}>
        In your cart
      </Link>
    );
  }
  // Without JavaScript the page reloads: back at this product, not at the top.
  const anchor = `add-${item.id}`;
  return (
    <fetcher.Form method="post" action="/cart" onSubmit={() => cart.add(item)} className="cart-form" id={anchor}>
      <AuthenticityTokenInput />
      <input type="hidden" name="intent" value="add" />
      <input type="hidden" name="productId" value={item.id} />
      <input type="hidden" name="returnTo" value={`${returnTo}#${anchor}`} />
      {hydrated ? <input type="hidden" name="enhanced" value="1" /> : null}
      <button type="submit" className="button" aria-label={`Add ${item.title} to cart`}>
        Add to cart
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
