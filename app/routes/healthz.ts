import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { pingDatabase } from "~/models/health.server";
import { guard } from "~/services/web/route-guard.server";

async function load() {
  try {
    await pingDatabase();
    return json({ status: "ok", database: "ok" }, { headers: { "Cache-Control": "no-store" } });
  } catch {
    return json(
      { status: "unavailable", database: "unreachable" },
      { status: 503, headers: { "Cache-Control": "no-store", "Retry-After": "5" } },
    );
  }
}

export const loader = (args: LoaderFunctionArgs) => guard(args, load);
