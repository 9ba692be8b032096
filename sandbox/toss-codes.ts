// The error codes TossPayments documents for its core API
// (https://docs.tosspayments.com/reference/error-codes): HTTP status and
// Korean message, as the sandbox answers them. `aborts`: a confirm that
// answers this code ends the payment ABORTED (a decline); otherwise the
// payment stays IN_PROGRESS and a confirm may be tried again.

export interface TossCode {
  status: number;
  message: string;
  aborts?: boolean;
}

export const TOSS_CODES = {
  // Requests and keys
  INVALID_REQUEST: { status: 400, message: "잘못된 요청입니다." },
  INVALID_API_KEY: { status: 400, message: "잘못된 시크릿키 연동 정보 입니다." },
  UNAUTHORIZED_KEY: { status: 401, message: "인증되지 않은 시크릿 키 혹은 클라이언트 키 입니다." },
  FORBIDDEN_REQUEST: { status: 403, message: "허용되지 않은 요청입니다." },
  FORBIDDEN_CONSECUTIVE_REQUEST: { status: 403, message: "반복적인 요청은 허용되지 않습니다. 잠시 후 다시 시도해주세요." },
  IDEMPOTENT_REQUEST_PROCESSING: { status: 409, message: "이전 멱등 요청이 처리 중입니다. 잠시 후 다시 시도해주세요." },
  NOT_FOUND: { status: 404, message: "존재하지 않는 정보 입니다." },
  NOT_FOUND_PAYMENT: { status: 404, message: "존재하지 않는 결제 정보 입니다." },
  NOT_FOUND_PAYMENT_SESSION: { status: 404, message: "결제 시간이 만료되어 결제 진행 데이터가 존재하지 않습니다." },
  // Creating a window
  BELOW_MINIMUM_AMOUNT: { status: 400, message: "신용카드는 결제금액이 100원 이상, 계좌는 200원이상부터 결제가 가능합니다." },
  DUPLICATED_ORDER_ID: { status: 400, message: "이미 승인 및 취소가 진행된 중복된 주문번호 입니다. 다른 주문번호로 진행해주세요." },
  // Confirm: already done, and transient failures (the payment can be confirmed again)
  ALREADY_PROCESSED_PAYMENT: { status: 400, message: "이미 처리된 결제 입니다." },
  PROVIDER_ERROR: { status: 400, message: "일시적인 오류가 발생했습니다. 잠시 후 다시 시도해주세요." },
  CARD_PROCESSING_ERROR: { status: 400, message: "카드사에서 오류가 발생했습니다." },
  FAILED_PAYMENT_INTERNAL_SYSTEM_PROCESSING: { status: 500, message: "결제가 완료되지 않았어요. 다시 시도해주세요." },
  FAILED_INTERNAL_SYSTEM_PROCESSING: { status: 500, message: "내부 시스템 처리 작업이 실패했습니다. 잠시 후 다시 시도해주세요." },
  UNKNOWN_PAYMENT_ERROR: { status: 500, message: "결제에 실패했어요. 같은 문제가 반복된다면 은행이나 카드사로 문의해주세요." },
  // Confirm: declines
  REJECT_CARD_COMPANY: { status: 403, message: "결제 승인이 거절되었습니다.", aborts: true },
  REJECT_CARD_PAYMENT: { status: 403, message: "한도초과 혹은 잔액부족으로 결제에 실패했습니다.", aborts: true },
  REJECT_ACCOUNT_PAYMENT: { status: 403, message: "잔액부족으로 결제에 실패했습니다.", aborts: true },
  INVALID_REJECT_CARD: { status: 400, message: "카드 사용이 거절되었습니다. 카드사 문의가 필요합니다.", aborts: true },
  INVALID_CARD_EXPIRATION: { status: 400, message: "카드 정보를 다시 확인해주세요. (유효기간)", aborts: true },
  INVALID_STOPPED_CARD: { status: 400, message: "정지된 카드 입니다.", aborts: true },
  INVALID_CARD_LOST_OR_STOLEN: { status: 400, message: "분실 혹은 도난 카드입니다.", aborts: true },
  INVALID_CARD_NUMBER: { status: 400, message: "카드번호를 다시 확인해주세요.", aborts: true },
  EXCEED_MAX_DAILY_PAYMENT_COUNT: { status: 400, message: "하루 결제 가능 횟수를 초과했습니다.", aborts: true },
  EXCEED_MAX_PAYMENT_AMOUNT: { status: 400, message: "하루 결제 가능 금액을 초과했습니다.", aborts: true },
  EXCEED_MAX_CARD_INSTALLMENT_PLAN: { status: 400, message: "설정 가능한 최대 할부 개월 수를 초과했습니다.", aborts: true },
  EXCEED_MAX_AMOUNT: { status: 400, message: "거래금액 한도를 초과했습니다.", aborts: true },
  EXCEED_MAX_AUTH_COUNT: { status: 403, message: "최대 인증 횟수를 초과했습니다. 카드사로 문의해주세요.", aborts: true },
  EXCEED_MAX_ONE_DAY_AMOUNT: { status: 403, message: "일일 한도를 초과했습니다.", aborts: true },
  INVALID_PASSWORD: { status: 403, message: "결제 비밀번호가 일치하지 않습니다.", aborts: true },
  FDS_ERROR: { status: 403, message: "[토스페이먼츠] 위험거래가 감지되어 결제가 제한됩니다.", aborts: true },
  NOT_AVAILABLE_PAYMENT: { status: 400, message: "결제가 불가능한 시간대입니다.", aborts: true },
  // Cancel
  ALREADY_CANCELED_PAYMENT: { status: 400, message: "이미 취소된 결제 입니다." },
  NOT_CANCELABLE_AMOUNT: { status: 403, message: "취소 할 수 없는 금액 입니다." },
  NOT_CANCELABLE_PAYMENT: { status: 403, message: "취소 할 수 없는 결제 입니다." },
  // The payment window (failUrl)
  PAY_PROCESS_CANCELED: { status: 400, message: "사용자에 의해 결제가 취소되었습니다." },
  PAY_PROCESS_ABORTED: { status: 400, message: "결제 진행 중 승인에 실패하여 결제가 중단되었습니다." },
} as const satisfies Record<string, TossCode>;

export type TossCodeName = keyof typeof TOSS_CODES;

/** The codes a confirm can answer when a test asks for it (control API, `confirm_error` fault). */
export const CONFIRM_ERROR_CODES = [
  "PROVIDER_ERROR",
  "CARD_PROCESSING_ERROR",
  "FAILED_PAYMENT_INTERNAL_SYSTEM_PROCESSING",
  "FAILED_INTERNAL_SYSTEM_PROCESSING",
  "UNKNOWN_PAYMENT_ERROR",
  "FORBIDDEN_CONSECUTIVE_REQUEST",
  "REJECT_CARD_COMPANY",
  "REJECT_CARD_PAYMENT",
  "REJECT_ACCOUNT_PAYMENT",
  "INVALID_REJECT_CARD",
  "INVALID_CARD_EXPIRATION",
  "INVALID_STOPPED_CARD",
  "INVALID_CARD_LOST_OR_STOLEN",
  "INVALID_CARD_NUMBER",
  "EXCEED_MAX_DAILY_PAYMENT_COUNT",
  "EXCEED_MAX_PAYMENT_AMOUNT",
  "EXCEED_MAX_CARD_INSTALLMENT_PLAN",
  "EXCEED_MAX_AMOUNT",
  "EXCEED_MAX_AUTH_COUNT",
  "EXCEED_MAX_ONE_DAY_AMOUNT",
  "INVALID_PASSWORD",
  "FDS_ERROR",
  "NOT_AVAILABLE_PAYMENT",
] as const satisfies readonly TossCodeName[];
