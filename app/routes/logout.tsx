import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { endEverySession, endSession, getUser } from "~/services/web/auth.server";
import { readProtectedForm } from "~/services/web/csrf.server";
import { guard } from "~/services/web/route-guard.server";

// Log out: this browser's session is deleted. "Log out everywhere"
// (`scope=everywhere`) deletes every session of the account.
async function act({ request }: ActionFunctionArgs) {
  const form = await readProtectedForm(request);
  const user = await getUser(request);
  if (user && form.get("scope") === "everywhere") return endEverySession(request, user);
  return endSession(request);
}

export const action = (args: ActionFunctionArgs) => guard(args, act);

export const loader = (args: LoaderFunctionArgs) => guard(args, async () => redirect("/"));
