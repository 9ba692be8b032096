/** The largest form or JSON body the shop reads. A full cart of 50 items is about 4 KB. */
export const MAX_BODY_BYTES = 64 * 1024;

const tooLarge = () =>
  new Response("That request is too large (the limit is 64 KB). Reload the page and try again with fewer items.", {
    status: 413,
    headers: { "Content-Type": "text/plain; charset=utf-8" },
  });

/** The body as text, refusing (413) anything over `limit` bytes without reading it all. */
export async function readBodyText(request: Request, limit = MAX_BODY_BYTES): Promise<string> {
  const declared = Number(request.headers.get("Content-Length") ?? "0");
  if (declared > limit) throw tooLarge();
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** A urlencoded form body, size-limited. Other encodings are refused with 415. */
export async function readForm(request: Request, limit = MAX_BODY_BYTES): Promise<FormData> {
  const type = request.headers.get("Content-Type") ?? "";
  if (type && !type.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
    throw new Response("Forms must be sent as application/x-www-form-urlencoded.", { status: 415 });
  }
  const form = new FormData();
  for (const [key, value] of new URLSearchParams(await readBodyText(request, limit))) form.append(key, value);
  return form;
}
