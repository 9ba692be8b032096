import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { endSession } from "~/services/auth.server";
import { requireCsrfToken } from "~/services/csrf.server";

export async function action({ request }: ActionFunctionArgs) {
  await requireCsrfToken(await request.formData(), request);
  return endSession(request);
}

export async function loader() {
  return redirect("/");
}
