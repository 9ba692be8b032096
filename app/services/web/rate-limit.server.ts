import { recordHits } from "~/models/rate-limit.server";

export type RateLimitVerdict = { limited: false } | { limited: true; retryAfterSeconds: number };

function retryAfter(windowStartedAt: Date, windowMs: number): number {
  return Math.max(1, Math.ceil((windowStartedAt.getTime() + windowMs - Date.now()) / 1000));
}

/** Counts one hit on every key (one statement); limited when any of them goes over its limit. */
export async function hit(limits: Record<string, number>, windowMs: number): Promise<RateLimitVerdict> {
  const windows = await recordHits(Object.keys(limits), windowMs);
  let wait = 0;
  for (const [key, window] of windows) {
    if (window.hits > limits[key]) wait = Math.max(wait, retryAfter(window.windowStartedAt, windowMs));
  }
  return wait > 0 ? { limited: true, retryAfterSeconds: wait } : { limited: false };
}
