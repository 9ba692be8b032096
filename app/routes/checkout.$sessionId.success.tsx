import { json, redirect, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useRevalidator } from "@remix-run/react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { useEffect, useState } from "react";
import { FileLinks } from "~/components/FileLinks";
import { providerName } from "~/components/format";
import { Price } from "~/components/Price";
import { Reference } from "~/components/Reference";
import { ORDER_STATUS_WORDS } from "~/components/status";
import { requireUser } from "~/services/web/auth.server";
import { cartWithout } from "~/services/cart/cart.server";
import { checkFromPage, settleFromReturn } from "~/services/checkout/settle.server";
import { requireOwnCheckout } from "~/services/checkout/purchase.server";
import { guard } from "~/services/web/route-guard.server";
import { passRetryAfter } from "~/services/web/route-headers";
import { CHECKOUT_NOT_FOUND, GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";

/** How long the page keeps looking for the payment's confirmation by itself. */
const POLL_FOR_MS = 120_000;

/** Seconds until the next look, growing with the time waited: 2 s at first, 15 s after a minute. */
function pollDelaySeconds(waitedMs: number): number {
  if (waitedMs < 20_000) return 2;
  if (waitedMs < 60_000) return 5;
  return 15;
}

export const meta: MetaFunction = () => [{ title: "Your purchase · AI Marketplace" }, { name: "robots", content: "noindex" }];

async function load({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  let checkout = await requireOwnCheckout(params.sessionId, user.id);
  const url = new URL(request.url);
  const page = `/checkout/${checkout.id}/success`;

  // Back from the provider (Toss's paymentKey, Stripe's session id): settle
  // from what the provider says, then drop its parameters from the address
  // bar, the history and the access log.
  if ([...url.searchParams.keys()].some((key) => key !== "t")) {
    if (checkout.status === "PENDING" || checkout.status === "EXPIRED") await settleFromReturn(checkout.id, url.searchParams);
    return redirect(page, 303);
  }
  if (checkout.status === "PENDING") {
    // The page polls the shop's database; the provider is asked at most once in a while.
    const settled = await checkFromPage(checkout.id);
    if (settled && settled.status !== checkout.status) checkout = await requireOwnCheckout(checkout.id, user.id);
  }

  if (checkout.status === "PAID") {
    // Exactly the purchased products leave the cart; anything added meanwhile stays.
    const cleared = await cartWithout(request, checkout.orders.map((order) => order.product.id));
    if (cleared) return redirect(page, { status: 303, headers: { "Set-Cookie": cleared } });
  }

  const waitingSince = Number(url.searchParams.get("t")) || Date.now();
  const waited = Date.now() - waitingSince;
  const polling = checkout.status === "PENDING" && waited < POLL_FOR_MS;
  return json(
    { checkout, polling, refreshSeconds: pollDelaySeconds(waited), refreshUrl: `${page}?t=${waitingSince}` },
    { headers: { "Cache-Control": "private, no-store" } },
  );
}

export const loader = (args: LoaderFunctionArgs) => guard(args, load);

/** Revalidates the page (the shop's database) with growing pauses, for POLL_FOR_MS. */
function usePolling(active: boolean): boolean {
  const revalidator = useRevalidator();
  const [gaveUp, setGaveUp] = useState(false);
  useEffect(() => {
    if (!active) return;
    const startedAt = Date.now();
    let timer: ReturnType<typeof setTimeout>;
    const next = () => {
      const waited = Date.now() - startedAt;
      if (waited > POLL_FOR_MS) return setGaveUp(true);
      timer = setTimeout(() => {
        if (revalidator.state === "idle") revalidator.revalidate();
        next();
      }, pollDelaySeconds(waited) * 1000);
    };
    next();
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [active]);
  return gaveUp;
}

type Checkout = ReturnType<typeof useLoaderData<typeof loader>>["checkout"];

function Orders({ checkout, withFiles }: { checkout: Checkout; withFiles: boolean }) {
  return (
    <ul className="cart-lines">
      {checkout.orders.map((order) => (
        <li key={order.id} className="cart-line" data-testid="order-line">
          <div>
            <strong>{order.product.title}</strong>
            <div className="muted">by {order.product.seller.displayName}</div>
            {withFiles ? (
              <FileLinks orderId={order.id} files={order.product.files} label={`Files of ${order.product.title}`} />
            ) : null}
          </div>
          <div>
            <Price amount={order.amount} currency={order.currency} />
            <div data-testid="order-status" data-status={order.status} className="muted">
              {ORDER_STATUS_WORDS[order.status]}
            </div>
          </div>
        </li>
      ))}
    </ul>
  );
}

function Total({ checkout }: { checkout: Checkout }) {
  return (
    <p className="subtotal">
      <span>Total</span>
      <Price amount={checkout.total} currency={checkout.currency} />
    </p>
  );
}

const ENDED: Record<string, { heading: string; body: string }> = {
  FAILED: { heading: "The payment did not go through", body: "Nothing was charged." },
  EXPIRED: { heading: "This checkout expired", body: "It was not paid in time, and nothing was charged." },
  CANCELED: { heading: "This checkout was canceled", body: "Nothing was charged, and your cart is as you left it." },
  REFUNDED: { heading: "This purchase was refunded", body: "The payment was returned, and the files are no longer available." },
};

export default function CheckoutResult() {
  const { checkout, polling, refreshSeconds, refreshUrl } = useLoaderData<typeof loader>();
  const gaveUp = usePolling(polling);

  if (checkout.status === "PAID") {
    return (
      <section data-testid="checkout-result" data-status="PAID">
        <h1>Thank you: your purchase is complete</h1>
        <p>
          Paid with {providerName(checkout.provider)}. Receipt <strong data-testid="receipt-number">{checkout.receiptNumber}</strong>.
        </p>
        <Orders checkout={checkout} withFiles />
        <Total checkout={checkout} />
        <p className="product-actions">
          <Link to={`/checkout/${checkout.id}/receipt`}>View receipt</Link>
          <Link to="/account/purchases">Your library</Link>
        </p>
        {checkout.providerReference ? (
          <p className="muted">
            {providerName(checkout.provider)} reference: <Reference value={checkout.providerReference} />
          </p>
        ) : null}
      </section>
    );
  }

  if (checkout.status === "PENDING" && checkout.paymentUnderWay) {
    const waiting = polling && !gaveUp;
    return (
      <section data-testid="checkout-result" data-status="PENDING">
        {waiting ? (
          <noscript>
            <meta httpEquiv="refresh" content={`${refreshSeconds};url=${refreshUrl}`} />
          </noscript>
        ) : null}
        <h1>Processing your payment…</h1>
        {waiting ? (
          <p role="status">
            {providerName(checkout.provider)} reported your payment and it is being confirmed. This page updates by itself;
            there is no need to pay again.
          </p>
        ) : (
          <p role="status">
            Confirmation is taking longer than usual. Your purchase will appear in{" "}
            <Link to="/account/purchases">your library</Link> as soon as the payment is confirmed; there is no need to pay
            again.
          </p>
        )}
        <Orders checkout={checkout} withFiles={false} />
        <Total checkout={checkout} />
      </section>
    );
  }

  if (checkout.status === "PENDING") {
    return (
      <section data-testid="checkout-result" data-status="PENDING">
        {polling && !gaveUp ? (
          <noscript>
            <meta httpEquiv="refresh" content={`${refreshSeconds};url=${refreshUrl}`} />
          </noscript>
        ) : null}
        <h1>Waiting for your payment</h1>
        <p role="status">
          This checkout is open and nothing has been paid yet. Continue to {providerName(checkout.provider)}&apos;s payment
          page to pay, or cancel it: your cart stays as it is.
        </p>
        <Orders checkout={checkout} withFiles={false} />
        <Total checkout={checkout} />
        <div className="product-actions">
          {checkout.checkoutUrl ? (
            <a className="button" href={checkout.checkoutUrl}>
              Continue to payment
            </a>
          ) : null}
          <Form method="post" action={`/checkout/${checkout.id}/cancel`}>
            <AuthenticityTokenInput />
            <button type="submit" className="button button-secondary">
              Cancel this checkout
            </button>
          </Form>
        </div>
      </section>
    );
  }

  const superseded = checkout.failureCode === "SUPERSEDED";
  const ended = superseded ? { heading: "This checkout was replaced", body: "Your cart is as you left it." } : ENDED[checkout.status];
  const mismatch = checkout.failureCode === "AMOUNT_MISMATCH";
  return (
    <section data-testid="checkout-result" data-status={checkout.status}>
      <h1>{ended.heading}</h1>
      {checkout.failureMessage ? (
        // Only a failure is an alert: a shopper's own cancel, or a replaced checkout, is no error.
        <p className={checkout.status === "FAILED" ? "alert" : undefined}>{checkout.failureMessage}</p>
      ) : null}
      <p>
        {mismatch
          ? "The amount the payment provider reported did not match this order, so it was held for review. If you were charged, the payment will be refunded."
          : ended.body}
      </p>
      <Orders checkout={checkout} withFiles={false} />
      <Total checkout={checkout} />
      <p>
        <Link to="/cart">Back to your cart</Link>
      </p>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary statusHandlers={CHECKOUT_NOT_FOUND} />;
}

export const headers = passRetryAfter;
