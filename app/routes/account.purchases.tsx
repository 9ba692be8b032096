import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { FileLinks } from "~/components/FileLinks";
import { LocalTime } from "~/components/LocalTime";
import { Price } from "~/components/Price";
import { CHECKOUT_STATUS_WORDS } from "~/components/status";
import { listCheckoutSessions, listOwnedProducts } from "~/models/purchase.server";
import { requireUser } from "~/services/web/auth.server";
import { groupAttempts } from "~/services/checkout/history";
import { guard } from "~/services/web/route-guard.server";
import { passRetryAfter } from "~/services/web/route-headers";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";

export const meta: MetaFunction = () => [{ title: "Your library · AI Marketplace" }];

async function load({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const [owned, sessions] = await Promise.all([listOwnedProducts(user.id), listCheckoutSessions(user.id)]);
  const purchases = groupAttempts(sessions).map(({ latest, attempts }) => ({
    id: latest.id,
    status: latest.status,
    total: latest.total,
    currency: latest.currency,
    createdAt: latest.createdAt,
    titles: latest.orders.map((order) => order.product.title),
    lines: latest._count.orders,
    attempts,
  }));
  return json({ owned, purchases }, { headers: { "Cache-Control": "private, no-store" } });
}

export const loader = (args: LoaderFunctionArgs) => guard(args, load);

export default function Purchases() {
  const { owned, purchases } = useLoaderData<typeof loader>();
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
                  by {product.seller.displayName} · bought <LocalTime value={order.paidAt ?? grantedAt} dateOnly />
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
        <button type="submit" className="button button-secondary">
          Log out everywhere
        </button>
      </Form>
      <h2>Past checkouts</h2>
      {purchases.length === 0 ? (
        <p className="muted">No checkouts yet.</p>
      ) : (
        <ul className="history" aria-label="Past checkouts">
          {purchases.map((purchase) => (
            <li key={purchase.id} className="history-entry" data-testid="past-checkout" data-status={purchase.status}>
              <div>
                <Link to={`/checkout/${purchase.id}/success`}>
                  {purchase.titles.join(", ")}
                  {purchase.lines > purchase.titles.length ? ` and ${purchase.lines - purchase.titles.length} more` : ""}
                </Link>
                <div className="muted">
                  <LocalTime value={purchase.createdAt} />
                  {purchase.attempts > 1 ? ` · ${purchase.attempts} attempts` : ""}
                </div>
              </div>
              <div className="history-state">
                <Price amount={purchase.total} currency={purchase.currency} />
                <div className="muted">{CHECKOUT_STATUS_WORDS[purchase.status]}</div>
              </div>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}

export const headers = passRetryAfter;
