import { randomBytes } from "node:crypto";
import { env, isLocalAddress, isProduction } from "~/env.server";

export function createNonce(): string {
  return randomBytes(16).toString("base64");
}

function originOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/** Extra script origins the pages may load (the TossPayments SDK when configured). */
function scriptOrigins(): string[] {
  const origin = originOf(env().TOSS_SDK_URL);
  return origin ? [origin] : [];
}

// TossPayments' own SDK (not the sandbox's stand-in) talks to Toss and shows
// its window in a frame served from Toss's domain.
function tossHosts(): string[] {
  return scriptOrigins().some((origin) => /(^|\.)tosspayments\.com$/.test(new URL(origin).hostname))
    ? ["https://*.tosspayments.com"]
    : [];
}

/**
 * Where a form may lead: this shop, and the payment pages its checkout form
 * redirects to (browsers hold form-action to the redirect's target as well).
 * Outside production the sandbox stands in for both providers; it names
 * itself `localhost` or `127.0.0.1`, so both spellings are allowed.
 */
function formTargets(): string[] {
  const settings = env();
  const targets = ["'self'", "https://checkout.stripe.com", "https://*.tosspayments.com", "https://*.toss.im"];
  if (isProduction(settings)) return targets;
  for (const base of [settings.STRIPE_API_BASE, settings.TOSS_API_BASE]) {
    const origin = originOf(base);
    if (!origin) continue;
    targets.push(origin);
    if (isLocalAddress(origin)) {
      const url = new URL(origin);
      const port = url.port ? `:${url.port}` : "";
      targets.push(`${url.protocol}//localhost${port}`, `${url.protocol}//127.0.0.1${port}`);
    }
  }
  return [...new Set(targets)];
}

function contentSecurityPolicy(nonce: string): string {
  const toss = tossHosts();
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' ${scriptOrigins().join(" ")}`.trim(),
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    ["connect-src 'self'", ...toss].join(" "),
    ...(toss.length > 0 ? [`frame-src ${toss.join(" ")}`] : []),
    "object-src 'none'",
    "base-uri 'self'",
    `form-action ${formTargets().join(" ")}`,
    "frame-ancestors 'none'",
  ].join("; ");
}

/** What a response that is not a page may do once in a browser: nothing. */
const RESOURCE_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox";

/**
 * Headers every response carries: pages (with their nonce-bearing CSP), data
 * requests and resource routes (webhooks, downloads, health, the JSON API).
 * Nothing the shop answers may be stored by a shared cache or the browser's
 * disk cache unless the route said otherwise: pages hold the visitor's cart,
 * account and form token.
 */
export function applySecurityHeaders(headers: Headers, nonce?: string): void {
  if (nonce) headers.set("Content-Security-Policy", contentSecurityPolicy(nonce));
  else if (!headers.has("Content-Security-Policy")) headers.set("Content-Security-Policy", RESOURCE_POLICY);
  if (!headers.has("Cache-Control")) headers.set("Cache-Control", "private, no-store");
  headers.set("X-Content-Type-Options", "nosniff");
  headers.set("Referrer-Policy", "strict-origin-when-cross-origin");
  headers.set("X-Frame-Options", "DENY");
  headers.set("Cross-Origin-Opener-Policy", "same-origin");
  if (isProduction(env())) headers.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
}
