import { json } from "@remix-run/node";
import { pingDatabase } from "~/models/health.server";

export async function loader() {
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
