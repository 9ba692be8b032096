import { timingSafeEqual } from "node:crypto";
import type { SandboxContext } from "./context.ts";
import { type RequestContext, type Router, redirect, sendHtml, sendJson } from "./http.ts";
import { messagePage } from "./pages.ts";
import { TossApiError, type TossSandbox } from "./toss.ts";

// A stand-in for TossPayments' browser SDK script (what `loadTossPayments(clientKey, { src })`
// injects from https://js.tosspayments.com/v1). It defines `window.TossPayments(clientKey)`
// whose `requestPayment(method, params)` checks the parameters like Toss (rejecting the promise
// with a Toss-style `code` when they are wrong), then sends the browser to the sandbox, which
// checks them again, records the call and opens a payment window for that order. The window
// redirects to successUrl / failUrl exactly as the server-created one does.
//
// The script never fetch()es: it only navigates, so a shop's Content-Security-Policy needs to
// allow the script's origin in script-src and nothing else.

export const SDK_SCRIPT_PATH = "/v1/sdk/payment";
export const SDK_WINDOW_PATH = "/v1/sdk/payment/window";

export interface SdkScriptLoad {
  at: string;
  status: number;
  referer: string | null;
}

export interface SdkCall {
  at: string;
  clientKey: string | null;
  method: string | null;
  params: unknown;
  ok: boolean;
  /** Set when the sandbox refused the call: Toss-style code and message. */
  code?: string;
  message?: string;
  orderId?: string;
  paymentKey?: string;
  checkoutUrl?: string;
}

const CARD_METHODS = ["카드", "CARD"];

export class TossSdkStandIn {
  private scriptLoads: SdkScriptLoad[] = [];
  private calls: SdkCall[] = [];

  constructor(
    private ctx: SandboxContext,
    private toss: TossSandbox,
  ) {}

  reset(): void {
    this.scriptLoads = [];
    this.calls = [];
  }

  register(router: Router): void {
    router.on("GET", SDK_SCRIPT_PATH, (c) => this.serveScript(c));
    router.on("GET", SDK_WINDOW_PATH, (c) => this.openWindow(c));
    router.on("GET", "/_sandbox/sdk-calls", (c) => sendJson(c.res, 200, { scriptLoads: this.scriptLoads, data: this.calls }));
    router.on("DELETE", "/_sandbox/sdk-calls", (c) => {
      this.reset();
      sendJson(c.res, 200, { ok: true });
    });
  }

  private serveScript(c: RequestContext): void {
    const referer = typeof c.req.headers.referer === "string" ? c.req.headers.referer : null;
    const failure = this.ctx.faults.take("sdk_script_error", "toss", []);
    const status = failure?.status ?? 200;
    this.scriptLoads.push({ at: new Date().toISOString(), status, referer });
    if (failure) {
      c.res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" });
      c.res.end(`sandbox fault: the SDK script answers ${status}`);
      return;
    }
    const script = standInScript(`${this.ctx.publicUrl}${SDK_WINDOW_PATH}`, this.ctx.tossClientKey);
    c.res.writeHead(200, {
      "Content-Type": "text/javascript; charset=utf-8",
      "Content-Length": Buffer.byteLength(script),
      "Cache-Control": "no-store",
    });
    c.res.end(script);
  }

  /** The browser arrives from requestPayment: check again, record, and open the window. */
  private openWindow(c: RequestContext): void {
    const q = c.url.searchParams;
    const call: SdkCall = { at: new Date().toISOString(), clientKey: q.get("clientKey"), method: q.get("method"), params: null, ok: false };
    this.calls.push(call);
    const refuse = (status: number, code: string, message: string) => {
      Object.assign(call, { code, message });
      sendHtml(c.res, status, messagePage("결제창을 열 수 없습니다", `${message} (${code})`, "ko"));
    };
    try {
      call.params = JSON.parse(q.get("params") ?? "null");
    } catch {
      return refuse(400, "INVALID_REQUEST", "잘못된 요청입니다. (결제 정보가 올바른 JSON이 아닙니다.)");
    }
    if (!call.clientKey || !this.knownClientKey(call.clientKey)) {
      return refuse(401, "UNAUTHORIZED_KEY", "인증되지 않은 시크릿 키 혹은 클라이언트 키 입니다.");
    }
    if (!call.method || !CARD_METHODS.includes(call.method)) {
      return refuse(400, "NOT_SUPPORTED_METHOD", "샌드박스는 카드 결제만 지원합니다.");
    }
    if (typeof call.params !== "object" || call.params === null || Array.isArray(call.params)) {
      return refuse(400, "INVALID_REQUEST", "잘못된 요청입니다. (결제 정보가 없습니다.)");
    }
    try {
      const payment = this.toss.openWindowForSdk({ ...(call.params as Record<string, unknown>), method: "CARD" });
      const checkoutUrl = (payment.checkout as { url: string }).url;
      Object.assign(call, { ok: true, orderId: payment.orderId, paymentKey: payment.paymentKey, checkoutUrl });
      redirect(c.res, checkoutUrl);
    } catch (error) {
      if (!(error instanceof TossApiError)) throw error;
      refuse(error.status, error.code, error.message);
    }
  }

  private knownClientKey(clientKey: string): boolean {
    const given = Buffer.from(clientKey);
    const expected = Buffer.from(this.ctx.tossClientKey);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}

/**
 * The browser script: `window.TossPayments(clientKey).requestPayment(method, params)`. Its checks
 * mirror the sandbox's POST /v1/payments (sandbox/toss.ts CreatePayment), so a call the
 * sandbox would refuse rejects in the page, where the shop can react to it.
 */
function standInScript(windowUrl: string, clientKey: string): string {
  return `/* TossPayments SDK stand-in (payment sandbox): no real money moves. */
(function () {
  "use strict";
  var WINDOW_URL = ${JSON.stringify(windowUrl)};
  var KNOWN_CLIENT_KEY = ${JSON.stringify(clientKey)};
  var MESSAGES = {
    INVALID_REQUEST: "잘못된 요청입니다.",
    BELOW_MINIMUM_AMOUNT: "신용카드는 결제금액이 100원 이상, 계좌는 200원이상부터 결제가 가능합니다.",
    UNAUTHORIZED_KEY: "인증되지 않은 시크릿 키 혹은 클라이언트 키 입니다.",
    NOT_SUPPORTED_METHOD: "샌드박스는 카드 결제만 지원합니다."
  };
  function TossPaymentsError(code, detail) {
    var error = new Error(MESSAGES[code] + (detail ? " (" + detail + ")" : ""));
    error.name = "TossPaymentsError";
    error.code = code;
    return error;
  }
  function absoluteUrl(value) {
    if (typeof value !== "string") return false;
    try {
      var protocol = new URL(value).protocol;
      return protocol === "https:" || protocol === "http:";
    } catch (e) {
      return false;
    }
  }
  function problemWith(method, params) {
    if (method !== "카드" && method !== "CARD") return ["NOT_SUPPORTED_METHOD", "method"];
    if (typeof params !== "object" || params === null) return ["INVALID_REQUEST", "params"];
    if (typeof params.amount !== "number" || !Number.isInteger(params.amount)) return ["INVALID_REQUEST", "amount must be an integer"];
    if (params.amount < 100) return ["BELOW_MINIMUM_AMOUNT", ""];
    if (typeof params.orderId !== "string" || !/^[A-Za-z0-9_-]{6,64}$/.test(params.orderId)) {
      return ["INVALID_REQUEST", "orderId must be 6 to 64 characters of [A-Za-z0-9_-]"];
    }
    if (typeof params.orderName !== "string" || params.orderName.length < 1 || params.orderName.length > 100) {
      return ["INVALID_REQUEST", "orderName must be 1 to 100 characters"];
    }
    if (!absoluteUrl(params.successUrl)) return ["INVALID_REQUEST", "successUrl must be an absolute URL"];
    if (!absoluteUrl(params.failUrl)) return ["INVALID_REQUEST", "failUrl must be an absolute URL"];
    if (params.customerName !== undefined && (typeof params.customerName !== "string" || params.customerName.length > 100)) {
      return ["INVALID_REQUEST", "customerName must be at most 100 characters"];
    }
    if (params.customerEmail !== undefined && (typeof params.customerEmail !== "string" || !/^[^@ ]+@[^@ ]+[.][^@ ]+$/.test(params.customerEmail))) {
      return ["INVALID_REQUEST", "customerEmail must be an email address"];
    }
    return null;
  }
  function notSupported() {
    return Promise.reject(TossPaymentsError("NOT_SUPPORTED_METHOD", "the stand-in supports requestPayment only"));
  }
  function TossPayments(clientKey) {
    if (typeof clientKey !== "string" || clientKey.length === 0) throw TossPaymentsError("UNAUTHORIZED_KEY", "clientKey");
    function requestPayment(method, params) {
      if (typeof method === "object" && method !== null) {
        params = method;
        method = params.method;
      }
      if (clientKey !== KNOWN_CLIENT_KEY) return Promise.reject(TossPaymentsError("UNAUTHORIZED_KEY", ""));
      var problem = problemWith(method, params);
      if (problem) return Promise.reject(TossPaymentsError(problem[0], problem[1]));
      var url = new URL(WINDOW_URL);
      url.searchParams.set("clientKey", clientKey);
      url.searchParams.set("method", method);
      url.searchParams.set("params", JSON.stringify(params));
      window.location.assign(url.toString());
      // The page is leaving for the payment window; like Toss's redirect flow, this never settles.
      return new Promise(function () {});
    }
    return { requestPayment: requestPayment, requestBillingAuth: notSupported, cancelPayment: notSupported };
  }
  TossPayments.version = "sandbox";
  window.TossPayments = TossPayments;
})();
`;
}
