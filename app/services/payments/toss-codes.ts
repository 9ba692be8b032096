// What TossPayments' error codes mean for a checkout, from its error-code
// reference (https://docs.tosspayments.com/reference/error-codes): one table,
// tested code by code.

/**
 * transient: try the confirm again later (under a new Idempotency-Key, since
 * Toss replays an error for the same key); decline: the card or account was
 * refused, the checkout FAILED with Toss's message; already-processed: look
 * the payment up before deciding; expired: the approval's 10 minutes passed,
 * nothing was charged; refused: the request itself was wrong, FAILED.
 */
export type ConfirmErrorClass = "transient" | "decline" | "already-processed" | "expired" | "refused";

export const CONFIRM_ERRORS: Record<string, ConfirmErrorClass> = {
  // "일시적인 오류가 발생했습니다. 잠시 후 다시 시도해주세요." and the like
  PROVIDER_ERROR: "transient",
  CARD_PROCESSING_ERROR: "transient",
  FAILED_PAYMENT_INTERNAL_SYSTEM_PROCESSING: "transient",
  FAILED_INTERNAL_SYSTEM_PROCESSING: "transient",
  UNKNOWN_PAYMENT_ERROR: "transient",
  FORBIDDEN_CONSECUTIVE_REQUEST: "transient",
  IDEMPOTENT_REQUEST_PROCESSING: "transient",
  // The shop's own code for a 2xx it could not read: the confirm may have gone
  // through; confirming again answers ALREADY_PROCESSED_PAYMENT and the lookup decides.
  UNREADABLE_ANSWER: "transient",
  // The shop's keys: nothing the shopper did; confirmed again once fixed, or the approval expires.
  UNAUTHORIZED_KEY: "transient",
  INVALID_API_KEY: "transient",
  INCORRECT_BASIC_AUTH_FORMAT: "transient",

  ALREADY_PROCESSED_PAYMENT: "already-processed",
  NOT_FOUND_PAYMENT_SESSION: "expired",

  REJECT_CARD_COMPANY: "decline",
  REJECT_CARD_PAYMENT: "decline",
  REJECT_ACCOUNT_PAYMENT: "decline",
  REJECT_TOSSPAY_INVALID_ACCOUNT: "decline",
  INVALID_REJECT_CARD: "decline",
  INVALID_CARD_EXPIRATION: "decline",
  INVALID_STOPPED_CARD: "decline",
  INVALID_CARD_LOST_OR_STOLEN: "decline",
  INVALID_CARD_NUMBER: "decline",
  INVALID_CARD_INSTALLMENT_PLAN: "decline",
  INVALID_PASSWORD: "decline",
  EXCEED_MAX_DAILY_PAYMENT_COUNT: "decline",
  EXCEED_MAX_PAYMENT_AMOUNT: "decline",
  EXCEED_MAX_CARD_INSTALLMENT_PLAN: "decline",
  EXCEED_MAX_AMOUNT: "decline",
  EXCEED_MAX_AUTH_COUNT: "decline",
  EXCEED_MAX_ONE_DAY_AMOUNT: "decline",
  NOT_SUPPORTED_INSTALLMENT_PLAN_CARD_OR_MERCHANT: "decline",
  NOT_SUPPORTED_MONTHLY_INSTALLMENT_PLAN: "decline",
  NOT_ALLOWED_POINT_USE: "decline",
  NOT_AVAILABLE_BANK: "decline",
  NOT_AVAILABLE_PAYMENT: "decline",
  BELOW_MINIMUM_AMOUNT: "decline",
  FDS_ERROR: "decline",
  // The buyer's bank account (transfers through 퀵계좌이체 and the like).
  RESTRICTED_TRANSFER_ACCOUNT: "decline",
  INVALID_ACCOUNT_INFO_RE_REGISTER: "decline",
  EXCEED_MAX_ONE_DAY_WITHDRAW_AMOUNT: "decline",
  EXCEED_MAX_ONE_TIME_WITHDRAW_AMOUNT: "decline",
  EXCEED_MAX_MONTHLY_PAYMENT_AMOUNT: "decline",

  INVALID_REQUEST: "refused",
  NOT_FOUND_PAYMENT: "refused",
  UNAPPROVED_ORDER_ID: "refused",
  FORBIDDEN_REQUEST: "refused",
  // The shop's contract with Toss is not set up for this payment.
  NOT_FOUND_TERMINAL_ID: "refused",
  INVALID_AUTHORIZE_AUTH: "refused",
  INVALID_UNREGISTERED_SUBMALL: "refused",
  NOT_REGISTERED_BUSINESS: "refused",
};

/** A confirm's error by class; an undocumented code is judged by its status (5xx and no answer: transient). */
export function classifyConfirmError(status: number, code: string): ConfirmErrorClass {
  const known = CONFIRM_ERRORS[code];
  if (known) return known;
  if (status === 0 || status >= 500) return "transient";
  if (/^(REJECT_|INVALID_CARD_|EXCEED_)/.test(code)) return "decline";
  return "refused";
}

/**
 * What the payment window sends to failUrl, in the shop's own words (the
 * query's `message` is the shopper's to forge, so it is never shown).
 * `canceled`: the shopper closed the window; anything else failed.
 */
export const WINDOW_FAILURES: Record<string, { outcome: "canceled" | "failed"; message: string }> = {
  PAY_PROCESS_CANCELED: { outcome: "canceled", message: "You closed TossPayments' window before paying; nothing was charged." },
  PAY_PROCESS_ABORTED: { outcome: "failed", message: "TossPayments stopped the payment before it was approved; nothing was charged." },
  REJECT_CARD_COMPANY: { outcome: "failed", message: "The card company declined the payment; nothing was charged. Try another card." },
};

export const UNKNOWN_WINDOW_FAILURE = { outcome: "failed" as const, message: "The payment window reported an error; nothing was charged." };
