import { isIP } from "is-ip";
import { env } from "~/env.server";

// The client's address, for per-address limits. @remix-run/serve gives the
// app no socket address, so it comes from X-Forwarded-For, and only from the
// entries the shop's own proxies appended: TRUST_PROXY_HOPS of them, counted
// from the right. Entries a client put in the header itself sit to their left
// and are never read. With 0 (the default) no address is known, and the
// per-account limits are what holds.

export function clientAddress(request: Request): string | null {
  return addressFromForwardedFor(request.headers.get("X-Forwarded-For"), env().TRUST_PROXY_HOPS);
}

/** The entry `hops` places from the right of an X-Forwarded-For value, when it is an IP address. */
export function addressFromForwardedFor(header: string | null, hops: number): string | null {
  if (hops === 0) return null;
  const entries = (header ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  const appended = entries[entries.length - hops];
  if (!appended) return null;
  const address = appended.replace(/^\[|\]$/g, "").replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, "");
  return isIP(address) ? address.toLowerCase() : null;
}
