import { env } from "~/env.server";
import { clientAddress } from "~/services/web/client-address.server";
import { hit } from "~/services/web/rate-limit.server";

export type CheckoutLimit = { limited: false } | { limited: true; retryAfterSeconds: number; message: string };

/**
 * Counts a checkout post against the shopper's and the address's per-minute
 * limits (kept in PostgreSQL, so every server shares them).
 */
export async function limitCheckoutPosts(request: Request, user: { id: string }): Promise<CheckoutLimit> {
  const settings = env();
  const ip = clientAddress(request);
  const verdict = await hit(
    {
      [`checkout:user:${user.id}`]: settings.CHECKOUT_POSTS_PER_MINUTE,
      ...(ip ? { [`checkout:ip:${ip}`]: settings.CHECKOUT_POSTS_PER_MINUTE_PER_IP } : {}),
    },
    60_000,
  );
  if (!verdict.limited) return verdict;
  return {
    ...verdict,
    message: `Too many checkout attempts. Nothing was charged; please wait ${verdict.retryAfterSeconds} seconds and try again.`,
  };
}
