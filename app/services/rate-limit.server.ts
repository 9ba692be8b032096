import { clearHits, currentWindow, recordHits } from "~/models/rate-limit.server";

export interface RateLimitRule {
  /** Counts per key within one window. */
  limit: number;
  windowMs: number;
}

export type RateLimitVerdict = { limited: false } | { limited: true; retryAfterSeconds: number };

function retryAfter(windowStartedAt: Date, windowMs: number): number {
  return Math.max(1, Math.ceil((windowStartedAt.getTime() + windowMs - Date.now()) / 1000));
}

/** Whether any of `keys` has used up its window already (nothing is counted). */
export async function isLimited(keys: string[], rule: RateLimitRule): Promise<RateLimitVerdict> {
  let wait = 0;
  for (const key of keys) {
    const window = await currentWindow(key, rule.windowMs);
    if (window && window.hits >= rule.limit) wait = Math.max(wait, retryAfter(window.windowStartedAt, rule.windowMs));
  }
  return wait > 0 ? { limited: true, retryAfterSeconds: wait } : { limited: false };
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

export async function forget(key: string): Promise<void> {
  await clearHits(key);
}
