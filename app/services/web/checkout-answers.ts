import type { CheckoutPostResult } from "~/services/checkout/post-result";

// A refused checkout post in HTTP terms, the same for the cart's form and the
// JSON API: the status, the opening sentence and the reasons.

export type CheckoutRefusal = Exclude<CheckoutPostResult, { kind: "opened" }>;

/** `heading: null`: the one reason is the whole message. */
const ANSWERS: Record<CheckoutRefusal["kind"], { status: number; heading: string | null }> = {
  invalid: { status: 400, heading: null },
  limited: { status: 429, heading: null },
  changed: { status: 409, heading: "The cart changed since you saw it, so nothing was charged:" },
  "not-for-sale": { status: 409, heading: "This cart holds products you cannot buy, so nothing was charged:" },
  "below-minimum": { status: 422, heading: "This cart cannot be paid as it is, so nothing was charged:" },
  preparing: { status: 202, heading: "Your payment page is still being prepared." },
  "provider-unavailable": { status: 502, heading: "Nothing was charged." },
  "provider-refused": { status: 502, heading: "Nothing was charged." },
  "needs-javascript": { status: 422, heading: null },
};

export function checkoutRefusal(result: CheckoutRefusal): { status: number; heading: string; problems: string[]; headers: HeadersInit } {
  const { status, heading } = ANSWERS[result.kind];
  const headers: Record<string, string> = {};
  if (result.kind === "limited") headers["Retry-After"] = String(result.retryAfterSeconds);
  if (result.kind === "preparing") headers["Retry-After"] = "2";
  if (heading === null) return { status, heading: result.problems.join(" "), problems: [], headers };
  return { status, heading, problems: result.problems, headers };
}
