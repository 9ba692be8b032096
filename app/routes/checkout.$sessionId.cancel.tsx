import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/services/web/auth.server";
import { readProtectedForm } from "~/services/web/csrf.server";
import { endOpenCheckout } from "~/services/checkout/settle.server";
import { guard } from "~/services/web/route-guard.server";
import { requireOwnCheckout } from "~/services/checkout/purchase.server";

// "Cancel this checkout": the shopper ends their own open checkout. It is
// ended at the provider first (its page can no longer be paid), then here.

async function act({ request, params }: ActionFunctionArgs) {
  await readProtectedForm(request);
  const user = await requireUser(request);
  const checkout = await requireOwnCheckout(params.sessionId, user.id);
  const ended = await endOpenCheckout(checkout.id, "CANCELED", {
    code: "CANCELED_BY_SHOPPER",
    message: "You canceled this checkout before paying; nothing was charged.",
  });
  if (ended === "unavailable") {
    throw new Response(
      "The payment provider could not be reached to close this checkout's payment page, so it is still open. Nothing was charged; please try again in a moment.",
      { status: 503, headers: { "Retry-After": "5", "Content-Type": "text/plain; charset=utf-8" } },
    );
  }
  // Back to the cart, as it was; a checkout that was paid or had ended
  // meanwhile shows how it stands instead.
  if (ended === "ended") return redirect(`/cart?canceled=${checkout.id}`, 303);
  return redirect(`/checkout/${checkout.id}/success`, 303);
}

export const action = (args: ActionFunctionArgs) => guard(args, act);

export const loader = (args: LoaderFunctionArgs) =>
  guard(args, async ({ params }) => redirect(`/checkout/${params.sessionId}/success`));
