import type { HeadersFunction } from "@remix-run/node";

/**
 * Lets a route's Retry-After (from a 429 or 503 it returned or threw) reach
 * the browser on document requests; cookies pass through on their own. Every
 * page route exports it: the route whose error boundary renders is the one
 * that sees the error's headers.
 */
export const passRetryAfter: HeadersFunction = ({ actionHeaders, loaderHeaders, errorHeaders, parentHeaders }) => {
  const headers = new Headers(parentHeaders);
  const retryAfter = (errorHeaders ?? actionHeaders).get("Retry-After") ?? loaderHeaders.get("Retry-After");
  if (retryAfter) headers.set("Retry-After", retryAfter);
  return headers;
};
