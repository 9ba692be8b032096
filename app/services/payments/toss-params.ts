// What TossPayments accepts for a payment window, shared by the server-created
// window and the browser SDK (toss-sdk.ts).

export const TOSS_ORDER_ID = /^[A-Za-z0-9_-]{6,64}$/;
export const TOSS_ORDER_NAME_MAX = 100;

/** Our checkout session id as a Toss orderId: 38 characters of [A-Za-z0-9_]. */
export function tossOrderId(sessionId: string): string {
  const orderId = `order_${sessionId.replace(/-/g, "")}`;
  if (!TOSS_ORDER_ID.test(orderId)) throw new Error(`Cannot make a Toss orderId of ${JSON.stringify(sessionId)}.`);
  return orderId;
}

/** `<first title> 외 N건`, cut to Toss's 100 characters without splitting a character. */
export function tossOrderName(titles: readonly string[]): string {
  if (titles.length === 0) throw new Error("An order needs at least one product.");
  const suffix = titles.length > 1 ? ` 외 ${titles.length - 1}건` : "";
  const first = [...titles[0].trim()];
  const room = TOSS_ORDER_NAME_MAX - [...suffix].length;
  const head = first.length > room ? `${first.slice(0, room - 1).join("")}…` : first.join("");
  return `${head}${suffix}`;
}

/** Where Toss sends the shopper back after the payment window, for either way of opening it. */
export function tossReturnUrls(appUrl: string, sessionId: string): { successUrl: string; failUrl: string } {
  const base = `${appUrl.replace(/\/+$/, "")}/checkout/${encodeURIComponent(sessionId)}`;
  return { successUrl: `${base}/success`, failUrl: `${base}/fail` };
}
