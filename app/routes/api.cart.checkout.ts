import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { getUser } from "~/services/web/auth.server";
import { checkoutRefusal } from "~/services/web/checkout-answers";
import { checkoutPost } from "~/services/checkout/open.server";
import { guard } from "~/services/web/route-guard.server";
import { readBodyText } from "~/services/web/request-body.server";

// JSON twin of the cart's 결제하기: {items} in, {sessionId, redirectUrl} out.
// It demands a JSON body, which a cross-site form cannot send; a request
// another site's page sent with the shopper's cookies is refused by the
// route guard (a foreign Origin).

async function act({ request }: ActionFunctionArgs) {
  if (request.method !== "POST") return json({ error: "Use POST." }, { status: 405, headers: { Allow: "POST" } });
  if (!request.headers.get("Content-Type")?.toLowerCase().startsWith("application/json")) {
    return json({ error: "Send the cart as JSON (Content-Type: application/json)." }, { status: 415 });
  }
  const user = await getUser(request);
  if (!user) return json({ error: "Log in to check out." }, { status: 401 });

  const text = await readBodyText(request);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return json({ error: "The body is not valid JSON." }, { status: 400 });
  }
  const items = typeof body === "object" && body !== null && "items" in body ? body.items : undefined;
  const result = await checkoutPost(request, user, items);
  if (result.kind === "opened") return json({ sessionId: result.sessionId, redirectUrl: result.redirectUrl });
  const refusal = checkoutRefusal(result);
  return json(
    { error: [refusal.heading, ...refusal.problems].join(" "), reason: result.kind, problems: refusal.problems },
    { status: refusal.status, headers: refusal.headers },
  );
}

export const action = (args: ActionFunctionArgs) => guard(args, act);

export const loader = (args: LoaderFunctionArgs) =>
  guard(args, async () => json({ error: "Use POST with a JSON body {items}." }, { status: 405, headers: { Allow: "POST" } }));
