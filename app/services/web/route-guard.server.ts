import { createRequire } from "node:module";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { crossSiteRefusal } from "~/services/web/csrf.server";
import { unlessDatabaseDown } from "~/services/web/outage.server";
import { applySecurityHeaders } from "~/services/web/security.server";

// Every loader and action runs through `guard`:
// - a POST (or other write) from another site's page is refused with a 403
//   that says so, before the route does anything;
// - a database outage becomes a 503 that says to retry;
// - every Response it returns or throws carries the shop's security headers.
//   Pages get theirs again (with the CSP nonce) in entry.server; resource
//   routes (webhooks, downloads, health, the JSON API) have no other place
//   to get them.

function withHeaders(value: unknown): void {
  if (!(value instanceof Response)) return;
  try {
    applySecurityHeaders(value.headers);
  } catch {
    // Response.redirect() and fetch() responses have immutable headers; the
    // shop creates neither in a route, so there is nothing to add to.
  }
}

/**
 * Runs a loader or action under the guard. Routes call it from an arrow
 * function (`export const loader = (args: LoaderFunctionArgs) => guard(args, load)`),
 * which the compiler can drop from the browser bundle with the server code.
 */
export async function guard<Args extends { request: Request }, Result>(args: Args, work: (args: Args) => Promise<Result>): Promise<Result> {
  try {
    const refusal = crossSiteRefusal(args.request);
    if (refusal) throw refusal;
    const result = await unlessDatabaseDown(() => work(args));
    withHeaders(result);
    return result;
  } catch (thrown) {
    withHeaders(thrown);
    throw thrown;
  }
}

/** The answer of a route that only takes POSTs to anything else: 405 with a message. */
export const postOnly = (args: LoaderFunctionArgs, what: string) =>
  guard(args, async () =>
    new Response(`${what} takes POST requests only.`, {
      status: 405,
      headers: { Allow: "POST", "Content-Type": "text/plain; charset=utf-8" },
    }),
  );

/**
 * Remix refuses a cross-site POST to a page route itself, before any action
 * runs: it compares `Origin` with `Host` and answers 500 with an empty body
 * (`throwIfPotentialCSRFAttack` in @remix-run/server-runtime, called by its
 * document request handler, with no hook to answer otherwise). `guard`
 * makes the same refusal for every route, against APP_URL rather than
 * whatever Host a proxy passed on, and answers 403 with a message; so the
 * framework's copy is switched off. Returns whether it was: if a Remix
 * upgrade moves it, the framework's 500 stays, which still changes nothing.
 */
export function answerCrossSitePostsHere(): boolean {
  try {
    const actions = createRequire(import.meta.url)("@remix-run/server-runtime/dist/actions.js") as Record<string, unknown>;
    if (typeof actions.throwIfPotentialCSRFAttack !== "function") return false;
    actions.throwIfPotentialCSRFAttack = () => {};
    return true;
  } catch {
    return false;
  }
}
