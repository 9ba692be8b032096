import type { HeadersFunction } from "@remix-run/node";

/**
 * Lets a route's Retry-After (from a 429 or 503 it returned or threw) reach
 * the browser on document requests; cookies pass through on their own.
 */
export const passRetryAfter: HeadersFunction = ({ actionHeaders, loaderHeaders, errorHeaders }) => {
  const headers = new Headers();
  const retryAfter = (errorHeaders ?? actionHeaders).get("Retry-After") ?? loaderHeaders.get("Retry-After");
  if (retryAfter) headers.set("Retry-After", retryAfter);
  return headers;
};
