import type { CheckoutSessionStatus, OrderStatus } from "~/generated/prisma/enums";

// What the shop's states mean to a shopper. The codes stay in data-status
// attributes for tools; people read these words.

export const ORDER_STATUS_WORDS: Record<OrderStatus, string> = {
  PENDING: "Awaiting payment",
  PAID: "Paid",
  FAILED: "Payment failed",
  EXPIRED: "Expired",
  CANCELED: "Canceled",
  REFUNDED: "Refunded",
};

export const CHECKOUT_STATUS_WORDS: Record<CheckoutSessionStatus, string> = {
  PAID: "Paid",
  PENDING: "Awaiting payment",
  FAILED: "Failed, nothing charged",
  EXPIRED: "Expired, nothing charged",
  CANCELED: "Canceled, nothing charged",
  REFUNDED: "Refunded",
};
