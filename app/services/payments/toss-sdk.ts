import { toTossAmount } from "~/services/money";
import { TOSS_ORDER_ID, tossOrderName, tossReturnUrls } from "~/services/payments/toss-params";

// What the browser needs to open TossPayments' payment window through
// `@tosspayments/payment-sdk`: `loadTossPayments(clientKey, { src: sdkUrl })`
// then `requestPayment(method, payment)`. Public values only: the client key is
// meant for browsers; the secret key never appears here.

/** Toss refuses customerName and customerEmail longer than this. */
export const TOSS_CUSTOMER_FIELD_MAX = 100;

export interface TossSdkPayment {
  amount: number;
  orderId: string;
  orderName: string;
  successUrl: string;
  failUrl: string;
  customerName?: string;
  customerEmail?: string;
}

export interface TossSdkRequest {
  sdkUrl: string;
  clientKey: string;
  method: "카드";
  payment: TossSdkPayment;
}

export interface TossSdkCheckoutInput {
  sdkUrl: string;
  clientKey: string;
  appUrl: string;
  sessionId: string;
  /** The orderId already given to the server-created window, so both windows are one order. */
  orderId: string;
  total: number;
  titles: readonly string[];
  buyer: { email: string; displayName: string };
}

export function tossSdkRequest(input: TossSdkCheckoutInput): TossSdkRequest {
  if (!TOSS_ORDER_ID.test(input.orderId)) {
    throw new Error(`${JSON.stringify(input.orderId)} is not a Toss orderId (6 to 64 characters of [A-Za-z0-9_-]).`);
  }
  const payment: TossSdkPayment = {
    amount: toTossAmount(input.total, "KRW"),
    orderId: input.orderId,
    orderName: tossOrderName(input.titles),
    ...tossReturnUrls(input.appUrl, input.sessionId),
  };
  const name = [...input.buyer.displayName.trim()];
  if (name.length > 0) payment.customerName = name.slice(0, TOSS_CUSTOMER_FIELD_MAX).join("");
  // An address cut short would be someone else's: leave out one Toss cannot take.
  if (input.buyer.email.length <= TOSS_CUSTOMER_FIELD_MAX) payment.customerEmail = input.buyer.email;
  return { sdkUrl: input.sdkUrl, clientKey: input.clientKey, method: "카드", payment };
}
