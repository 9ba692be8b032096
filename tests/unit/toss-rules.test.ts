import { describe, expect, it } from "vitest";
import { classifyConfirmError, CONFIRM_ERRORS, WINDOW_FAILURES } from "~/services/payments/toss-codes";

// TossPayments' documented error codes and window failures, each read as the
// shop must: a transient confirm error never fails a checkout, a decline always
// does. (Payment statuses: payment-outcomes.test.ts.)

describe("confirm errors, code by documented code", () => {
  const expected: Array<[number, string, ReturnType<typeof classifyConfirmError>]> = [
    [400, "PROVIDER_ERROR", "transient"],
    [400, "CARD_PROCESSING_ERROR", "transient"],
    [500, "FAILED_PAYMENT_INTERNAL_SYSTEM_PROCESSING", "transient"],
    [500, "FAILED_INTERNAL_SYSTEM_PROCESSING", "transient"],
    [500, "UNKNOWN_PAYMENT_ERROR", "transient"],
    [403, "FORBIDDEN_CONSECUTIVE_REQUEST", "transient"],
    [409, "IDEMPOTENT_REQUEST_PROCESSING", "transient"],
    [200, "UNREADABLE_ANSWER", "transient"],
    [401, "UNAUTHORIZED_KEY", "transient"],
    [400, "INVALID_API_KEY", "transient"],
    [403, "INCORRECT_BASIC_AUTH_FORMAT", "transient"],
    [400, "ALREADY_PROCESSED_PAYMENT", "already-processed"],
    [404, "NOT_FOUND_PAYMENT_SESSION", "expired"],
    [403, "REJECT_CARD_COMPANY", "decline"],
    [403, "REJECT_CARD_PAYMENT", "decline"],
    [403, "REJECT_ACCOUNT_PAYMENT", "decline"],
    [403, "REJECT_TOSSPAY_INVALID_ACCOUNT", "decline"],
    [400, "INVALID_REJECT_CARD", "decline"],
    [400, "INVALID_CARD_EXPIRATION", "decline"],
    [400, "INVALID_STOPPED_CARD", "decline"],
    [400, "INVALID_CARD_LOST_OR_STOLEN", "decline"],
    [400, "INVALID_CARD_NUMBER", "decline"],
    [400, "INVALID_CARD_INSTALLMENT_PLAN", "decline"],
    [403, "INVALID_PASSWORD", "decline"],
    [400, "EXCEED_MAX_DAILY_PAYMENT_COUNT", "decline"],
    [400, "EXCEED_MAX_PAYMENT_AMOUNT", "decline"],
    [400, "EXCEED_MAX_CARD_INSTALLMENT_PLAN", "decline"],
    [400, "EXCEED_MAX_AMOUNT", "decline"],
    [403, "EXCEED_MAX_AUTH_COUNT", "decline"],
    [403, "EXCEED_MAX_ONE_DAY_AMOUNT", "decline"],
    [400, "NOT_SUPPORTED_INSTALLMENT_PLAN_CARD_OR_MERCHANT", "decline"],
    [400, "NOT_SUPPORTED_MONTHLY_INSTALLMENT_PLAN", "decline"],
    [400, "NOT_ALLOWED_POINT_USE", "decline"],
    [403, "NOT_AVAILABLE_BANK", "decline"],
    [400, "NOT_AVAILABLE_PAYMENT", "decline"],
    [400, "BELOW_MINIMUM_AMOUNT", "decline"],
    [403, "FDS_ERROR", "decline"],
    [400, "RESTRICTED_TRANSFER_ACCOUNT", "decline"],
    [400, "INVALID_ACCOUNT_INFO_RE_REGISTER", "decline"],
    [400, "EXCEED_MAX_ONE_DAY_WITHDRAW_AMOUNT", "decline"],
    [400, "EXCEED_MAX_ONE_TIME_WITHDRAW_AMOUNT", "decline"],
    [400, "EXCEED_MAX_MONTHLY_PAYMENT_AMOUNT", "decline"],
    [400, "INVALID_REQUEST", "refused"],
    [404, "NOT_FOUND_PAYMENT", "refused"],
    [400, "UNAPPROVED_ORDER_ID", "refused"],
    [403, "FORBIDDEN_REQUEST", "refused"],
    [400, "NOT_FOUND_TERMINAL_ID", "refused"],
    [400, "INVALID_AUTHORIZE_AUTH", "refused"],
    [400, "INVALID_UNREGISTERED_SUBMALL", "refused"],
    [400, "NOT_REGISTERED_BUSINESS", "refused"],
  ];

  for (const [status, code, kind] of expected) {
    it(`${status} ${code} -> ${kind}`, () => {
      expect(classifyConfirmError(status, code)).toBe(kind);
    });
  }

  it("lists every code of the table above, and no other", () => {
    expect(Object.keys(CONFIRM_ERRORS).sort()).toEqual(expected.map(([, code]) => code).sort());
  });

  it("reads an undocumented code by its status: no answer and 5xx transient, card-like codes declines, the rest refused", () => {
    expect(classifyConfirmError(0, "PROVIDER_UNREACHABLE")).toBe("transient");
    expect(classifyConfirmError(502, "SOMETHING_NEW")).toBe("transient");
    expect(classifyConfirmError(403, "REJECT_SOMETHING_NEW")).toBe("decline");
    expect(classifyConfirmError(400, "EXCEED_SOMETHING_NEW")).toBe("decline");
    expect(classifyConfirmError(400, "SOMETHING_NEW")).toBe("refused");
  });
});

describe("the payment window's failUrl codes", () => {
  it("reads a closed window as canceled and the others as failed, each in the shop's own words", () => {
    expect(WINDOW_FAILURES.PAY_PROCESS_CANCELED.outcome).toBe("canceled");
    expect(WINDOW_FAILURES.PAY_PROCESS_ABORTED.outcome).toBe("failed");
    expect(WINDOW_FAILURES.REJECT_CARD_COMPANY.outcome).toBe("failed");
    for (const { message } of Object.values(WINDOW_FAILURES)) expect(message).toMatch(/nothing was charged/);
  });
});
