import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Price } from "~/components/Price";
import { requireUser } from "~/services/auth.server";
import { settleFromReturn } from "~/services/fulfillment.server";
import { requireOwnCheckout } from "~/services/purchase.server";

export const meta: MetaFunction = () => [{ title: "Your purchase · AI Marketplace" }, { name: "robots", content: "noindex" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  let checkout = await requireOwnCheckout(params.sessionId, user.id);
  if (checkout.status === "PENDING" || checkout.status === "EXPIRED") {
    const settled = await settleFromReturn(checkout.id, new URL(request.url).searchParams);
    if (settled && settled.status !== checkout.status) checkout = await requireOwnCheckout(checkout.id, user.id);
  }
  return json({ checkout });
}

const HEADINGS: Record<string, string> = {
  PAID: "Thank you: your purchase is complete",
  PENDING: "Processing your payment…",
  FAILED: "The payment did not go through",
  EXPIRED: "This checkout expired",
  CANCELED: "This checkout was canceled",
  REFUNDED: "This purchase was refunded",
};

export default function CheckoutResult() {
  const { checkout } = useLoaderData<typeof loader>();
  return (
    <section data-testid="checkout-result" data-status={checkout.status}>
      <h1>{HEADINGS[checkout.status]}</h1>
      {checkout.failureMessage ? <p className="alert">{checkout.failureMessage}</p> : null}
      <ul className="cart-lines">
        {checkout.orders.map((order) => (
          <li key={order.id} className="cart-line" data-testid="order-line">
            <div>
              {order.product.title}
              <div className="muted">by {order.product.seller.displayName}</div>
            </div>
            <div>
              <Price amount={order.amount} currency={order.currency} />
              <div data-testid="order-status">{order.status}</div>
            </div>
          </li>
        ))}
      </ul>
      <p className="subtotal">
        <span>Total</span>
        <Price amount={checkout.total} currency={checkout.currency} />
      </p>
      <p>
        <Link to="/cart">Back to your cart</Link>
      </p>
    </section>
  );
}
