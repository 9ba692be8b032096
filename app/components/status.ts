// What the shop's states mean to a shopper. The codes stay in data-status
// attributes for tools; people read these words.

export const ORDER_STATUS_WORDS: Record<string, string> = {
  PENDING: "Awaiting payment",
  PAID: "Paid",
  FAILED: "Payment failed",
  EXPIRED: "Expired",
  CANCELED: "Canceled",
  REFUNDED: "Refunded",
};

export const CHECKOUT_STATUS_WORDS: Record<string, string> = {
  PAID: "Paid",
  PENDING: "Awaiting payment",
  FAILED: "Failed, nothing charged",
  EXPIRED: "Expired, nothing charged",
  CANCELED: "Canceled, nothing charged",
  REFUNDED: "Refunded",
};

export function statusWord(words: Record<string, string>, status: string): string {
  return words[status] ?? status.charAt(0) + status.slice(1).toLowerCase();
}
