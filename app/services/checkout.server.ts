import { env } from "~/env.server";
import { endPendingCheckout, openCheckoutSession, recordProviderCheckout } from "~/models/checkout.server";
import type { PublicUser } from "~/models/user.server";
import { parseCheckoutItems, type CheckoutItemInput } from "~/services/checkout-input";
import { limitCheckoutPosts } from "~/services/checkout-limits.server";
import { byLineOrder } from "~/services/line-order";
import { paymentProvider, referenceChosenByUs } from "~/services/payments/index.server";
import { quoteCart } from "~/services/quote.server";

/** What the provider was asked for, for a page that opens the provider's window itself. */
export interface OpenCheckout {
  provider: "STRIPE" | "TOSS";
  total: number;
  reference: string | null;
  /** Product titles in the lines' canonical order. */
  titles: string[];
}

export type StartCheckoutResult =
  | { ok: true; sessionId: string; redirectUrl: string; reused: boolean; checkout: OpenCheckout }
  | { ok: false; status: 409; problems: string[] }
  | { ok: false; status: 502; problems: string[]; sessionId: string };

export type CheckoutPostResult =
  | StartCheckoutResult
  | { ok: false; status: 400; problems: string[] }
  | { ok: false; status: 429; problems: string[]; retryAfterSeconds: number };

/**
 * A shopper's checkout post, from the form or the JSON API. The items are
 * read first, so bad input changes nothing (not even the rate limit); then the
 * post counts against the limits; then the cart is priced and opened.
 */
export async function checkoutPost(request: Request, user: PublicUser, rawItems: unknown): Promise<CheckoutPostResult> {
  const items = parseCheckoutItems(rawItems);
  if (!items.ok) return { ok: false, status: 400, problems: [items.message] };
  const limit = await limitCheckoutPosts(request, user);
  if (limit.limited) return { ok: false, status: 429, problems: [limit.message], retryAfterSeconds: limit.retryAfterSeconds };
  return startCheckout(user, items.items);
}

/** Headers that go with a refused checkout post: Retry-After when it was over a limit. */
export function refusalHeaders(result: CheckoutPostResult): HeadersInit {
  return !result.ok && result.status === 429 ? { "Retry-After": String(result.retryAfterSeconds) } : {};
}

/**
 * Turns a cart into one checkout session with an order per product and one
 * payment, then opens the provider's checkout for it. The same cart posted
 * again while its checkout is open goes back to that checkout.
 */
async function startCheckout(user: PublicUser, items: readonly CheckoutItemInput[]): Promise<StartCheckoutResult> {
  const quoted = await quoteCart(user, items);
  if (!quoted.ok) return { ok: false, status: 409, problems: quoted.problems };
  const { quote } = quoted;

  const { session, created } = await openCheckoutSession({
    buyerId: user.id,
    currency: quote.currency,
    total: quote.total,
    provider: quote.provider,
    quoteHash: quote.hash,
    expiresAt: new Date(Date.now() + env().CHECKOUT_TTL_MINUTES * 60_000),
    lines: quote.lines.map((line) => ({ productId: line.productId, title: line.title, amount: line.amount })),
    reference: (sessionId) => referenceChosenByUs(quote.provider, sessionId),
  });
  const orders = [...session.orders].sort(byLineOrder);
  const opened = (reference: string | null): OpenCheckout => ({
    provider: session.provider,
    total: session.total,
    reference,
    titles: orders.map((order) => order.product.title),
  });
  if (session.checkoutUrl) {
    return {
      ok: true,
      sessionId: session.id,
      redirectUrl: session.checkoutUrl,
      reused: true,
      checkout: opened(session.payment?.providerReference ?? null),
    };
  }

  // The provider call carries an idempotency key derived from the session, so a
  // concurrent post for the same session gets the same provider checkout; the
  // lines go in their canonical order so every such call sends the same request.
  const provider = paymentProvider(session.provider);
  const result = await provider.createCheckout({
    sessionId: session.id,
    buyer: { id: user.id, email: user.email, displayName: user.displayName },
    currency: session.currency,
    total: session.total,
    lines: orders.map((order) => ({
      orderId: order.id,
      productId: order.productId,
      title: order.product.title,
      amount: order.amount,
    })),
    expiresAt: session.expiresAt,
    reference: session.payment?.providerReference ?? null,
  });
  if (!result.ok) {
    await endPendingCheckout(session.id, "FAILED", { code: result.code, message: result.message });
    return {
      ok: false,
      status: 502,
      sessionId: session.id,
      problems: [
        `The payment provider could not open the payment (${result.message}). Nothing was charged and your cart is unchanged; please try again.`,
      ],
    };
  }
  await recordProviderCheckout(session.id, result);
  return { ok: true, sessionId: session.id, redirectUrl: result.redirectUrl, reused: !created, checkout: opened(result.reference) };
}
