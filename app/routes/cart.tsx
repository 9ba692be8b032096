import { json, redirect, type ActionFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { z } from "zod";
import { RemoveFromCartForm } from "~/components/cart/CartForms";
import { TossCheckoutForm } from "~/components/cart/TossCheckoutForm";
import { useCart } from "~/components/cart/useCart";
import { Price } from "~/components/Price";
import { VerificationBadge } from "~/components/VerificationBadge";
import { useRootData } from "~/root";
import { getUser, requireUser, safeRedirectTarget } from "~/services/web/auth.server";
import { cartTotals, groupByCurrency, serializeCheckoutItems, type CartItem } from "~/services/cart/cart";
import { addToCart, cartCookieHeader, readCartIds, removeFromCart, type CartChange } from "~/services/cart/cart.server";
import { checkoutRefusal } from "~/services/web/checkout-answers";
import { checkoutPost } from "~/services/checkout/open.server";
import { readProtectedForm } from "~/services/web/csrf.server";
import { guard } from "~/services/web/route-guard.server";
import { passRetryAfter } from "~/services/web/route-headers";
import { browserCheckout } from "~/services/payments/browser-checkout.server";
import { flashNotice } from "~/services/web/session.server";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";

export const meta: MetaFunction = () => [{ title: "Your cart · AI Marketplace" }];

export const headers = passRetryAfter;

// What the cart's forms post, told apart by `intent`. `enhanced` is rendered
// only after hydration: the page then changes the cart, or opens the payment
// window (TossPayments' SDK), itself and wants JSON instead of a redirect.
// `fallback`: the page's SDK could not open TossPayments' window and posts as
// without JavaScript. `returnTo`: where the shopper comes back to (a path of
// this shop only).
const ReturnTo = z.string().default("/cart").transform(safeRedirectTarget);
const CartIntent = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("checkout"),
    enhanced: z.literal("1").optional(),
    fallback: z.literal("1").optional(),
    returnTo: ReturnTo,
  }),
  z.object({
    intent: z.enum(["add", "remove"]),
    productId: z.string().uuid("That is not a product of this shop."),
    returnTo: ReturnTo,
    enhanced: z.literal("1").optional(),
  }),
]);

/** A refused cart change in HTTP. */
const CHANGE_STATUS: Record<Extract<CartChange, { ok: false }>["reason"], number> = { unavailable: 404, owned: 409, full: 409 };

async function act({ request }: ActionFunctionArgs) {
  const form = await readProtectedForm(request);
  const fields = Object.fromEntries(form);

  const parsed = CartIntent.safeParse(fields);
  if (!parsed.success) {
    return json(
      { ok: false as const, message: "That cart request was not understood. Reload the page and try again." },
      { status: 400 },
    );
  }
  const intent = parsed.data;

  if (intent.intent === "checkout") {
    // Signed out: log in (or sign up) and come back where the shopper was,
    // the cart or the product page of "Buy now".
    const user = await requireUser(request, intent.returnTo);
    const inBrowser = intent.enhanced === "1";
    const result = await checkoutPost(request, user, form.get("items"), { inBrowser, sdkFailed: intent.fallback === "1" });
    if (result.kind === "opened") {
      if (inBrowser) return json(browserCheckout(user, result));
      if (!result.redirectUrl) throw new Error("An opened checkout without a page to go to.");
      return redirect(result.redirectUrl, 303);
    }
    const refusal = checkoutRefusal(result);
    return json(
      { ok: false as const, message: refusal.heading, problems: refusal.problems },
      { status: refusal.status, headers: refusal.headers },
    );
  }

  const ids = await readCartIds(request);
  const change =
    intent.intent === "add" ? await addToCart(ids, intent.productId, await getUser(request)) : removeFromCart(ids, intent.productId);

  // With JavaScript the page wrote the cookie before sending the change, so
  // an answer that comes back late never overwrites a later change.
  if (intent.enhanced) {
    return change.ok
      ? json({ ok: true as const, message: change.message })
      : json({ ok: false as const, message: change.message }, { status: CHANGE_STATUS[change.reason] });
  }
  const headers = new Headers({ "Set-Cookie": await flashNotice(request, change.message) });
  if (change.ok) headers.append("Set-Cookie", await cartCookieHeader(change.ids));
  return redirect(intent.returnTo, { status: 303, headers });
}

export const action = (args: ActionFunctionArgs) => guard(args, act);

const FLAG_TEXT = {
  owned: "In your library: left out of checkout",
  "own-product": "Your own product: left out of checkout",
} as const;

function CheckoutForm({ items }: { items: CartItem[] }) {
  const navigation = useNavigation();
  const submitting = navigation.state === "submitting" && navigation.formData?.get("intent") === "checkout";
  return (
    <Form method="post" action="/cart" className="checkout-form">
      <AuthenticityTokenInput />
      <input type="hidden" name="intent" value="checkout" />
      <input type="hidden" name="items" value={serializeCheckoutItems(items)} />
      <button type="submit" className="button" disabled={submitting}>
        <span lang="ko">{submitting ? "결제 준비 중…" : "결제하기"}</span>
      </button>
    </Form>
  );
}

/** The reasons a refused checkout lists (a refused cart change has none). */
function problemsOf(answer: object): string[] {
  return "problems" in answer && Array.isArray(answer.problems) ? answer.problems.map(String) : [];
}

export default function CartPage() {
  const cart = useCart();
  const flags = useRootData()?.cart.flags ?? {};
  const result = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const canceled = searchParams.has("canceled");

  if (cart.items.length === 0) {
    return (
      <>
        <h1>Your cart</h1>
        <p>Your cart is empty.</p>
        <p>
          <Link to="/">Browse the catalog</Link>
        </p>
      </>
    );
  }

  return (
    <>
      <h1>Your cart</h1>
      {canceled ? (
        <p className="notice" role="status">
          Payment canceled. Nothing was charged, and your cart is as you left it.
        </p>
      ) : null}
      {result && !result.ok ? (
        <div className="alert" role="alert">
          <p>{result.message}</p>
          {problemsOf(result).length > 0 ? (
            <ul>
              {problemsOf(result).map((problem) => (
                <li key={problem}>{problem}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {groupByCurrency(cart.items).map((group) => {
        const payable = group.items.filter((item) => !flags[item.id]);
        const subtotal = cartTotals(payable)[group.currency] ?? 0;
        return (
          <section key={group.currency} className="cart-group" aria-label={`${group.currency} items`} data-testid={`cart-group-${group.currency}`}>
            <h2>
              {group.currency === "USD" ? (
                "Paid in US dollars (Stripe)"
              ) : (
                <>
                  <span lang="ko">원화 결제</span> (TossPayments)
                </>
              )}
            </h2>
            <ul className="cart-lines">
              {group.items.map((item) => (
                <li key={item.id} className="cart-line" data-testid="cart-line">
                  <div>
                    <Link to={`/products/${item.id}`}>{item.title}</Link>
                    <div className="muted">by {item.seller.name}</div>
                    <VerificationBadge level={item.verification_level} />
                    {flags[item.id] ? <div className="flag">{FLAG_TEXT[flags[item.id]]}</div> : null}
                  </div>
                  <div>
                    <Price amount={item.price} currency={item.currency} />
                    <RemoveFromCartForm productId={item.id} title={item.title} />
                  </div>
                </li>
              ))}
            </ul>
            <p className="subtotal" data-testid="subtotal">
              <span>Subtotal</span>
              <Price amount={subtotal} currency={group.currency} />
            </p>
            {payable.length === 0 ? null : group.currency === "KRW" ? (
              <TossCheckoutForm items={payable} />
            ) : (
              <CheckoutForm items={payable} />
            )}
          </section>
        );
      })}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
