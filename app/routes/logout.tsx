import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { endSession } from "~/services/auth.server";
import { readProtectedForm } from "~/services/csrf.server";
import { unlessDatabaseDown } from "~/services/outage.server";

async function act({ request }: ActionFunctionArgs) {
  await readProtectedForm(request);
  return endSession(request);
}

export const action: typeof act = (...args) => unlessDatabaseDown(() => act(...args));

export async function loader() {
  return redirect("/");
}
