import { getUser } from "~/services/web/auth.server";
import { cartCookieHeader, readCartIds, viewCart } from "~/services/cart/cart.server";
import { commitCsrfToken } from "~/services/web/csrf.server";
import { takeNotice } from "~/services/web/session.server";

/** What every page needs: who is logged in, the cart, the form token, a one-time notice. */
export async function loadLayout(request: Request) {
  const headers = new Headers();
  const [user, ids, [csrfToken, csrfCookie], flashed] = await Promise.all([
    getUser(request),
    readCartIds(request),
    commitCsrfToken(request),
    takeNotice(request),
  ]);
  if (csrfCookie) headers.append("Set-Cookie", csrfCookie);

  const cart = await viewCart(ids, user);
  const notices: string[] = [];
  if (flashed.notice) notices.push(flashed.notice);
  if (flashed.setCookie) headers.append("Set-Cookie", flashed.setCookie);
  if (cart.dropped > 0) {
    notices.push(
      cart.dropped === 1
        ? "A product in your cart is no longer available and was removed."
        : `${cart.dropped} products in your cart are no longer available and were removed.`,
    );
  }
  if (cart.dropped > 0) headers.append("Set-Cookie", await cartCookieHeader(cart.items.map((item) => item.id)));

  return {
    data: {
      user: user ? { id: user.id, displayName: user.displayName, isSeller: user.isSeller } : null,
      csrfToken,
      cart: { items: cart.items, flags: cart.flags },
      /** Products the user owns: shown as "In your library" instead of for sale. */
      owned: [...cart.owned],
      notices,
    },
    headers,
  };
}
