import { randomBytes } from "node:crypto";
import { env, isProduction } from "~/env.server";

export function createNonce(): string {
  return randomBytes(16).toString("base64");
}

/** Extra script origins the pages may load (the TossPayments SDK when configured). */
function scriptOrigins(): string[] {
  const settings = env() as { TOSS_SDK_URL?: string };
  if (!settings.TOSS_SDK_URL) return [];
  try {
    return [new URL(settings.TOSS_SDK_URL).origin];
  } catch {
    return [];
  }
}

// TossPayments' own SDK (not the sandbox's stand-in) talks to Toss and shows
// its window in a frame served from Toss's domain.
function tossHosts(): string[] {
  return scriptOrigins().some((origin) => /(^|\.)tosspayments\.com$/.test(new URL(origin).hostname))
    ? ["https://*.tosspayments.com"]
    : [];
}

export function contentSecurityPolicy(nonce: string): string {
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
    "frame-ancestors 'none'",
  ].join("; ");
}

/** Headers every page and data response carries. */
export function applySecurityHeaders(headers: Headers, nonce?: string): void {
  if (nonce) headers.set("Content-Security-Policy", contentSecurityPolicy(nonce));
  headers.set("X-Content-Type-Options", "nosniff");
  headers.set("Referrer-Policy", "strict-origin-when-cross-origin");
  headers.set("X-Frame-Options", "DENY");
  headers.set("Cross-Origin-Opener-Policy", "same-origin");
  if (isProduction(env())) headers.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
}
