import type { AppServer } from "../../support/app-server";
import type { Visitor } from "../../support/requests";

// The shopper over HTTP, with the cookies of a tests/support Visitor.

function formHeaders(visitor: Visitor): Record<string, string> {
  return { "Content-Type": "application/x-www-form-urlencoded", Cookie: visitor.cookieHeader() };
}

/** POST /cart intent=checkout, as the no-JavaScript form does; the response is not followed. */
export async function postCheckout(server: AppServer, visitor: Visitor, items: string): Promise<Response> {
  return fetch(`${server.url}/cart`, {
    method: "POST",
    redirect: "manual",
    headers: formHeaders(visitor),
    body: new URLSearchParams({ csrf: visitor.csrfToken, intent: "checkout", items }),
  });
}

/** Puts products in the visitor's cart cookie through the real form, so the cart page lists them. */
export async function addToCart(server: AppServer, visitor: Visitor, productIds: readonly string[]): Promise<void> {
  for (const productId of productIds) {
    const response = await fetch(`${server.url}/cart`, {
      method: "POST",
      redirect: "manual",
      headers: formHeaders(visitor),
      body: new URLSearchParams({ csrf: visitor.csrfToken, intent: "add", productId, returnTo: "/cart" }),
    });
    await response.arrayBuffer();
    if (response.status !== 303) throw new Error(`adding to the cart answered ${response.status}`);
    visitor.absorb(response);
  }
}

/** Takes the form token the visitor's pages now carry (a login session has its own). */
export async function takePageToken(base: string, visitor: Visitor): Promise<void> {
  const page = await fetch(`${base}/cart`, { headers: { Cookie: visitor.cookieHeader() } });
  const token = (await page.text()).match(/name="csrf" value="([^"]+)"/)?.[1];
  if (!token) throw new Error(`no form token on the cart page (status ${page.status})`);
  visitor.csrfToken = token;
}

export async function getAs(server: AppServer, visitor: Visitor, route: string): Promise<Response> {
  return fetch(`${server.url}${route}`, { redirect: "manual", headers: { Cookie: visitor.cookieHeader() } });
}

/** The Stripe Checkout Session id in a provider redirect (…/c/pay/cs_…). */
export function stripeSessionIdOf(location: string | null): string {
  const match = location?.match(/\/c\/pay\/(cs_[A-Za-z0-9_]+)/);
  if (!match) throw new Error(`not a Stripe checkout page: ${location}`);
  return match[1];
}
