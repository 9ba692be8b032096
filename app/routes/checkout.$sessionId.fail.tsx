import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/services/web/auth.server";
import { recordWindowFailure } from "~/services/checkout/settle.server";
import { requireOwnCheckout } from "~/services/checkout/purchase.server";
import { guard } from "~/services/web/route-guard.server";

// TossPayments sends the shopper here when its window is closed or fails.
// Only a Toss checkout is changed, and only in the shop's own words: the
// query's message is not shown. A closed window returns to the cart.
async function load({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const checkout = await requireOwnCheckout(params.sessionId, user.id);
  if (checkout.provider !== "TOSS") return redirect(`/checkout/${checkout.id}/success`, 303);
  const outcome = await recordWindowFailure(checkout.id, new URL(request.url).searchParams.get("code"));
  return redirect(outcome === "canceled" ? `/cart?canceled=${checkout.id}` : `/checkout/${checkout.id}/success`, 303);
}

export const loader = (args: LoaderFunctionArgs) => guard(args, load);
