import { json, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useHydrated } from "remix-utils/use-hydrated";
import { providerName } from "~/components/format";
import { LocalTime } from "~/components/LocalTime";
import { Reference } from "~/components/Reference";
import { formatMoney } from "~/services/money";
import { requireUser } from "~/services/web/auth.server";
import { requireOwnCheckout } from "~/services/checkout/purchase.server";
import receiptStyles from "~/styles/receipt.css";
import { guard } from "~/services/web/route-guard.server";
import { passRetryAfter } from "~/services/web/route-headers";
import { CHECKOUT_NOT_FOUND, GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: receiptStyles }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.checkout.receiptNumber ? `Receipt ${data.checkout.receiptNumber} · AI Marketplace` : "Receipt · AI Marketplace" },
  { name: "robots", content: "noindex" },
];

async function load({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const checkout = await requireOwnCheckout(params.sessionId, user.id);
  return json({ checkout }, { headers: { "Cache-Control": "private, no-store" } });
}

export const loader = (args: LoaderFunctionArgs) => guard(args, load);

export default function Receipt() {
  const { checkout } = useLoaderData<typeof loader>();
  const hydrated = useHydrated();
  if (!checkout.receiptNumber || !checkout.paidAt) {
    return (
      <section className="receipt">
        <h1>No receipt yet</h1>
        <p>A receipt is issued when the payment is confirmed.</p>
        <p>
          <Link to={`/checkout/${checkout.id}/success`}>See the checkout</Link>
        </p>
      </section>
    );
  }
  return (
    <article className="receipt" aria-labelledby="receipt-title">
      <h1 id="receipt-title">Receipt {checkout.receiptNumber}</h1>
      <dl>
        <dt>Sold by</dt>
        <dd>AI Marketplace, on behalf of the sellers below</dd>
        <dt>Billed to</dt>
        <dd>
          {checkout.buyer.displayName} &lt;{checkout.buyer.email}&gt;
        </dd>
        <dt>Date paid</dt>
        <dd>
          <LocalTime value={checkout.paidAt} />
        </dd>
        <dt>Paid with</dt>
        <dd>
          {providerName(checkout.provider)}
          {checkout.providerReference ? (
            <>
              , reference <Reference value={checkout.providerReference} />
            </>
          ) : null}
        </dd>
        {checkout.status === "REFUNDED" ? (
          <>
            <dt>Status</dt>
            <dd>Refunded</dd>
          </>
        ) : null}
      </dl>
      <table>
        <thead>
          <tr>
            <th>Product</th>
            <th>Seller</th>
            <th className="amount">Amount</th>
          </tr>
        </thead>
        <tbody>
          {checkout.orders.map((order) => (
            <tr key={order.id} data-testid="receipt-line">
              <td>{order.product.title}</td>
              <td>{order.product.seller.displayName}</td>
              <td className="amount">{formatMoney(order.amount, order.currency)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th colSpan={2}>Total ({checkout.currency})</th>
            <td className="amount" data-testid="receipt-total">
              <strong>{formatMoney(checkout.total, checkout.currency)}</strong>
            </td>
          </tr>
        </tfoot>
      </table>
      <p className="no-print product-actions">
        <a className="button" href={`/checkout/${checkout.id}/receipt.pdf`} download>
          Download PDF
        </a>
        {hydrated ? (
          <button type="button" className="button button-secondary" onClick={() => window.print()}>
            Print
          </button>
        ) : null}
        <Link to="/account/purchases">Your library</Link>
      </p>
    </article>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary statusHandlers={CHECKOUT_NOT_FOUND} />;
}

export const headers = passRetryAfter;
