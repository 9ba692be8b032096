import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/services/web/auth.server";
import { downloadResponse } from "~/services/library/downloads.server";
import { guard } from "~/services/web/route-guard.server";

async function load({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return downloadResponse(params, user.id);
}

export const loader = (args: LoaderFunctionArgs) => guard(args, load);
