import { timingSafeEqual } from "node:crypto";
import { createCookie, json } from "@remix-run/node";
import { CSRF, CSRFError } from "remix-utils/csrf/server";
import { env } from "~/env.server";
import { readForm } from "~/services/web/request-body.server";
import { cookieDefaults, loginSessionOf } from "~/services/web/session.server";
import { sessionSecret } from "~/services/web/session-secret.server";

// Every state-changing form carries a CSRF token. A logged-in visitor's token
// is the one stored with their login session: bound to it, new at every
// login, gone at logout. A visitor who is not logged in (the login and
// sign-up forms, the cart) holds remix-utils' signed double-submit cookie,
// which is replaced at every login and logout too.

let csrf: CSRF | undefined;

function anonymousTokens(): CSRF {
  if (!csrf) {
    const secret = sessionSecret();
    csrf = new CSRF({
      cookie: createCookie("csrf", { ...cookieDefaults(), secrets: [secret] }),
      formDataKey: "csrf",
      secret,
    });
  }
  return csrf;
}

/** The token for this visitor's forms, and a Set-Cookie header when a new cookie is needed. */
export async function commitCsrfToken(request: Request): Promise<[string, string | null]> {
  const login = await loginSessionOf(request);
  if (login) return [login.csrfToken, null];
  const [token, cookie] = await anonymousTokens().commitToken(request);
  return [token, cookie ?? null];
}

/** A new token and the cookie that holds it, unrelated to any the visitor had (login, logout). */
export async function freshCsrfToken(): Promise<[string, string | null]> {
  const [token, cookie] = await anonymousTokens().commitToken(new Request(env().APP_URL));
  return [token, cookie ?? null];
}

const refused = (message: string) =>
  new Response(message, { status: 403, headers: { "Content-Type": "text/plain; charset=utf-8" } });

const EXPIRED =
  "This form has expired or did not come from this site, so nothing was changed. Reload the page and try again.";

function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * False for a request a page of another site sent: browsers name the page's
 * origin in `Origin` on every cross-origin POST (and "null" from sandboxed or
 * privacy-sensitive contexts). Clients that are not browsers send none.
 */
function isSameOrigin(request: Request): boolean {
  const origin = request.headers.get("Origin");
  return origin === null || origin === new URL(env().APP_URL).origin;
}

const CROSS_SITE =
  "This request was sent from another site's page, so nothing was changed. Use the forms on this shop's own pages.";

/** The 403 for a state-changing request from another site's page, or null when it is not one. */
export function crossSiteRefusal(request: Request): Response | null {
  if (request.method === "GET" || request.method === "HEAD" || isSameOrigin(request)) return null;
  const wantsJson = /json/i.test(`${request.headers.get("Content-Type") ?? ""} ${request.headers.get("Accept") ?? ""}`);
  return wantsJson
? json({ error: CROSS_SITE }, { status: 403 }) : refused(CROSS_SITE);
}

/** Throws a 403 response unless the form carries this visitor's token. */
async function requireCsrfToken(form: FormData, request: Request): Promise<void> {
  const login = await loginSessionOf(request);
  if (login) {
    const sent = form.get("csrf");
    if (typeof sent !== "string" || !sameToken(sent, login.csrfToken)) throw refused(EXPIRED);
    return;
  }
  try {
    await anonymousTokens().validate(form, request.headers);
  } catch (error) {
    if (error instanceof CSRFError) throw refused(EXPIRED);
    throw error;
  }
}

/**
 * A state-changing form: size-limited, urlencoded, carrying this visitor's
 * CSRF token. (Posts from other sites are refused before any route runs,
 * in route-guard.server.ts.)
 */
export async function readProtectedForm(request: Request): Promise<FormData> {
  const form = await readForm(request);
  await requireCsrfToken(form, request);
  return form;
}
