import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { FileLinks } from "~/components/FileLinks";
import { formatDate, formatDateTime } from "~/components/format";
import { Price } from "~/components/Price";
import { listCheckoutSessions, listOwnedProducts } from "~/models/purchase.server";
import { requireUser } from "~/services/auth.server";
import { guard } from "~/services/route-guard.server";

export const meta: MetaFunction = () => [{ title: "Your library · AI Marketplace" }];

async function load({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const [owned, sessions] = await Promise.all([listOwnedProducts(user.id), listCheckoutSessions(user.id)]);
  return json({ owned, sessions }, { headers: { "Cache-Control": "private, no-store" } });
}

export const loader = (args: LoaderFunctionArgs) => guard(args, load);

const STATUS_WORDS: Record<string, string> = {
  PAID: "Paid",
  PENDING: "Awaiting payment",
  FAILED: "Failed, nothing charged",
  EXPIRED: "Expired, nothing charged",
  CANCELED: "Canceled, nothing charged",
  REFUNDED: "Refunded",
};

export default function Purchases() {
  const { owned, sessions } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Your library</h1>
      {owned.length === 0 ? (
        <p>
          You have not bought anything yet. <Link to="/">Browse the catalog</Link>
        </p>
      ) : (
        <ul className="cart-lines" aria-label="Products you own">
          {owned.map(({ product, order, grantedAt, suspendedAt }) => (
            <li key={product.id} className="cart-line" data-testid="owned-product">
              <div>
                <strong>{product.title}</strong>
                <div className="muted">
                  by {product.seller.displayName} · bought {formatDate(order.paidAt ?? grantedAt)}
                </div>
                {suspendedAt ? (
                  <p className="flag" data-testid="access-suspended">
                    Access suspended: your bank opened a dispute about this payment. The files come back if the dispute is
                    decided in the shop&apos;s favour.
                  </p>
                ) : (
                  <FileLinks orderId={order.id} files={product.files} />
                )}
              </div>
              <div className="product-actions">
                <Link to={`/checkout/${order.checkoutSessionId}/success`}>Order</Link>
                <Link to={`/checkout/${order.checkoutSessionId}/receipt`}>Receipt</Link>
              </div>
            </li>
          ))}
        </ul>
      )}
      <h2>Your sessions</h2>
      <Form method="post" action="/logout" className="product-actions">
        <AuthenticityTokenInput />
        <input type="hidden" name="scope" value="everywhere" />
        <p className="muted">Logged in on a device you no longer use, or someone else&apos;s? End every session of this account.</p>
        <button type="submit" className="button secondary">
          Log out everywhere
        </button>
      </Form>
      <h2>Past checkouts</h2>
      {sessions.length === 0 ? (
        <p className="muted">No checkouts yet.</p>
      ) : (
        <table className="sessions">
          <thead>
            <tr>
              <th>Started</th>
              <th>Products</th>
              <th>Total</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((session) => (
              <tr key={session.id} data-testid="past-checkout">
                <td>
                  <Link to={`/checkout/${session.id}/success`}>{formatDateTime(session.createdAt)}</Link>
                </td>
                <td>{session._count.orders}</td>
                <td>
                  <Price amount={session.total} currency={session.currency} />
                </td>
                <td>{STATUS_WORDS[session.status] ?? session.status}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
