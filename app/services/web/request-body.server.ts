/** The largest form or JSON body the shop reads. A full cart of 50 items is about 4 KB. */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * How long an oversized body's connection stays open, unread, after the 413.
 * The client reads the answer meanwhile; then the rest is refused by closing.
 * (Closing at once, by cancelling the body or with `Connection: close`, lets
 * the reset reach a client still sending before it has read the 413.)
 */
const LINGER_MS = 2_000;

function tooLarge(body: ReadableStream<Uint8Array> | ReadableStreamDefaultReader<Uint8Array> | null): Response {
  if (body) setTimeout(() => void body.cancel().catch(() => {}), LINGER_MS).unref();
  return new Response("That request is too large (the limit is 64 KB). Reload the page and try again with fewer items.", {
    status: 413,
    headers: { "Content-Type": "text/plain; charset=utf-8" },
  });
}

/** The body as text, refusing (413) anything over `limit` bytes without reading it all. */
export async function readBodyText(request: Request, limit = MAX_BODY_BYTES): Promise<string> {
  const declared = Number(request.headers.get("Content-Length") ?? "0");
  if (declared > limit) throw tooLarge(request.body);
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) throw tooLarge(reader);
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
