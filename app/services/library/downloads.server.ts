import fs from "node:fs";
import { createReadableStreamFromReadable } from "@remix-run/node";
import contentDisposition from "content-disposition";
import { z } from "zod";
import { findOrderFile } from "~/models/purchase.server";
import { storagePath } from "~/services/library/storage.server";

const Params = z.object({ orderId: z.string().uuid(), fileId: z.string().uuid() });

const notFound = () => new Response("Not found", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });

const refused = (message: string) =>
  new Response(message, { status: 403, headers: { "Content-Type": "text/plain; charset=utf-8" } });

/**
 * A purchased file, streamed from storage, while the buyer has access to its
 * product. Anything that is not the buyer's order of this file's product is a
 * 404; a refunded purchase and access suspended by a dispute are told so.
 */
export async function downloadResponse(params: Record<string, string | undefined>, buyerId: string): Promise<Response> {
  const parsed = Params.safeParse(params);
  if (!parsed.success) return notFound();
  const found = await findOrderFile(parsed.data.orderId, parsed.data.fileId, buyerId);
  if (!found) return notFound();
  const access = found.access && !found.access.revokedAt ? found.access : null;
  if (access?.suspendedAt) {
    return refused(
      "Access to this product is suspended while a dispute about its payment is open. It comes back if the dispute is decided for the shop.",
    );
  }
  if (!access) {
    if (found.orderStatus === "REFUNDED") return refused("This purchase was refunded, so its files can no longer be downloaded.");
    return notFound();
  }
  if (found.orderStatus !== "PAID" && found.orderStatus !== "REFUNDED") return notFound();

  const { file } = found;
  const path = storagePath(file.storageKey);
  let size: number;
  try {
    size = (await fs.promises.stat(path)).size;
  } catch {
    console.error(JSON.stringify({ event: "download_file_missing", storageKey: file.storageKey }));
    return new Response("This file is temporarily unavailable. Please try again later.", { status: 503 });
  }
  return new Response(createReadableStreamFromReadable(fs.createReadStream(path)), {
    status: 200,
    headers: {
      "Content-Type": file.contentType,
      "Content-Length": String(size),
      "Content-Disposition": contentDisposition(file.filename),
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
