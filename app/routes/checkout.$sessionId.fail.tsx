import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/services/auth.server";
import { recordReturnedFailure } from "~/services/fulfillment.server";
import { requireOwnCheckout } from "~/services/purchase.server";
import { unlessDatabaseDown } from "~/services/outage.server";

// TossPayments sends the shopper here when the payment window fails or is
// closed; the failure is recorded and shown on the checkout's page.
async function load({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const checkout = await requireOwnCheckout(params.sessionId, user.id);
  const url = new URL(request.url);
  await recordReturnedFailure(checkout.id, url.searchParams.get("code"), url.searchParams.get("message"));
  return redirect(`/checkout/${checkout.id}/success`, 303);
}

export const loader: typeof load = (...args) => unlessDatabaseDown(() => load(...args));
