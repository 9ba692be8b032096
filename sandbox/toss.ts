import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { z } from "zod";
import { kstIso } from "./clock.ts";
import type { SandboxContext } from "./context.ts";
import { emitWithFaults } from "./context.ts";
import { hangThenDrop, type RequestContext, type Router, randomId, sendJson, sleep } from "./http.ts";
import { TOSS_CODES, type TossCodeName } from "./toss-codes.ts";

type Json = Record<string, unknown>;

export type TossStatus =
  | "READY"
  | "IN_PROGRESS"
  | "WAITING_FOR_DEPOSIT"
  | "DONE"
  | "CANCELED"
  | "PARTIAL_CANCELED"
  | "ABORTED"
  | "EXPIRED";

export class TossApiError extends Error {
  constructor(public status: number, public code: string, message: string) {
    super(message);
  }
}

const fail = (code: TossCodeName, message?: string) => new TossApiError(TOSS_CODES[code].status, code, message ?? TOSS_CODES[code].message);
const MESSAGES = Object.fromEntries(Object.entries(TOSS_CODES).map(([code, { message }]) => [code, message])) as Record<TossCodeName, string>;

/** How long Toss keeps the answer to an Idempotency-Key (15 days). */
export const IDEMPOTENCY_TTL_MS = 15 * 24 * 60 * 60 * 1000;
/** A lookup of the same payment sooner than this after the previous one answers 403 FORBIDDEN_CONSECUTIVE_REQUEST. */
export const CONSECUTIVE_LOOKUP_MS = 300;

/** An approved window must be confirmed within this time (Toss: 10 minutes). */
export const CONFIRM_WINDOW_MS = 10 * 60 * 1000;
/** A window nobody approves expires after this time. */
export const READY_TTL_MS = 30 * 60 * 1000;

const CreatePayment = z.object({
  method: z.enum(["CARD", "카드"]),
  amount: z.number().int(),
  orderId: z.string().regex(/^[A-Za-z0-9_-]{6,64}$/, "orderId must be 6 to 64 characters of [A-Za-z0-9_-]"),
  orderName: z.string().min(1).max(100),
  successUrl: z.string().url().regex(/^https?:\/\//),
  failUrl: z.string().url().regex(/^https?:\/\//),
  currency: z.literal("KRW").default("KRW"),
  customerEmail: z.string().email().optional(),
  customerName: z.string().max(100).optional(),
  taxFreeAmount: z.number().int().nonnegative().optional(),
  metadata: z.record(z.string()).optional(),
});

const ConfirmPayment = z.object({
  paymentKey: z.string().min(1).max(200),
  orderId: z.string().min(1),
  amount: z.number().int(),
});

const CancelPayment = z.object({
  cancelReason: z.string().min(1).max(200),
  cancelAmount: z.number().int().positive().optional(),
});

interface PaymentRecord {
  payment: Json;
  successUrl: string;
  failUrl: string;
  createdAtMs: number;
  approvedAtMs: number | null;
  /** A confirm was asked for: from then on the payment can be looked up. */
  confirmAsked: boolean;
}

interface IdempotentAnswer {
  status: number;
  body: unknown;
}

interface StoredAnswer extends IdempotentAnswer {
  atMs: number;
}

export type WindowResult =
  | { ok: true; redirectUrl: string; payment: Json }
  | { ok: false; reason: "not_found" | "not_ready"; message: string };

/** TossPayments' core payment API and the server-created payment window, in memory. */
export class TossSandbox {
  private payments = new Map<string, PaymentRecord>();
  private byOrderId = new Map<string, string>();
  private idempotency = new Map<string, StoredAnswer>();
  private keysInFlight = new Set<string>();
  private lastLookupMs = new Map<string, number>();
  /** Whether `POST /v1/payments` (the server-created window, not in Toss's reference) answers. */
  serverWindow = true;

  constructor(private ctx: SandboxContext) {}

  reset(): void {
    this.payments.clear();
    this.byOrderId.clear();
    this.idempotency.clear();
    this.keysInFlight.clear();
    this.lastLookupMs.clear();
    this.serverWindow = true;
  }

  register(router: Router): void {
    router.on("POST", "/v1/payments", (c) => {
      if (!this.serverWindow) return unknownRoute(c);
      return this.api(c, () => this.create(c));
    });
    router.on("POST", "/v1/payments/confirm", (c) => this.api(c, async () => this.confirm(c)));
    router.on("GET", "/v1/payments/orders/:orderId", (c) => this.api(c, async () => this.lookup(c, this.latestOfOrder(c.params.orderId))));
    router.on("GET", "/v1/payments/:paymentKey", (c) => this.api(c, async () => this.lookup(c, c.params.paymentKey)));
    router.on("POST", "/v1/payments/:paymentKey/cancel", (c) => this.api(c, async () => this.cancel(c)));
  }

  // ---- plumbing -----------------------------------------------------------

  /**
   * Authentication, then the Idempotency-Key: Toss keeps the first answer to
   * a key for 15 days, errors included, scoped by the key, the secret key,
   * the URL and the method (not the body), and replays it
   * (https://docs.tosspayments.com/reference/using-api/idempotency-key).
   * A key whose first request is still running answers 409.
   */
  private async api(c: RequestContext, run: () => Promise<IdempotentAnswer>): Promise<void> {
    try {
      this.authenticate(c.req);
      const rawKey = c.req.headers["idempotency-key"];
      if (typeof rawKey === "string" && rawKey.length > 300) throw fail("INVALID_REQUEST", "잘못된 요청입니다. (멱등키는 300자 이하여야 합니다.)");
      const key = typeof rawKey === "string" && c.req.method === "POST" ? `${this.ctx.tossSecretKey} ${c.req.method} ${c.url.pathname} ${rawKey}` : undefined;
      if (key) {
        const previous = this.idempotency.get(key);
        if (previous && this.ctx.clock.now() - previous.atMs < IDEMPOTENCY_TTL_MS) return sendJson(c.res, previous.status, previous.body);
        if (this.keysInFlight.has(key)) throw fail("IDEMPOTENT_REQUEST_PROCESSING");
        this.keysInFlight.add(key);
      }
      let answer: IdempotentAnswer;
      try {
        const latency = this.ctx.faults.take("latency", "toss", []);
        if (latency) await sleep(latency.ms);
        answer = await run();
      } catch (error) {
        if (!(error instanceof TossApiError)) throw error;
        answer = { status: error.status, body: { code: error.code, message: error.message } };
      } finally {
        if (key) this.keysInFlight.delete(key);
      }
      if (answer.status === 0 || c.res.destroyed) return;
      if (key) this.idempotency.set(key, { ...answer, atMs: this.ctx.clock.now() });
      sendJson(c.res, answer.status, answer.body);
    } catch (error) {
      if (!(error instanceof TossApiError)) throw error;
      sendJson(c.res, error.status, { code: error.code, message: error.message });
    }
  }

  /**
   * Lookups answer payments that reached confirm (approved, declined at
   * confirm, canceled), 404 otherwise; the same payment looked up again too
   * soon answers 403 FORBIDDEN_CONSECUTIVE_REQUEST.
   */
  private lookup(c: RequestContext, paymentKey: string | undefined): IdempotentAnswer {
    const record = paymentKey ? this.payments.get(paymentKey) : undefined;
    if (!record) throw fail("NOT_FOUND_PAYMENT");
    this.expireIfDue(record);
    if (this.ctx.faults.take("lookup_error", "toss", [record.payment.orderId as string, paymentKey!])) {
      throw fail("FAILED_INTERNAL_SYSTEM_PROCESSING");
    }
    if (!record.confirmAsked) throw fail("NOT_FOUND_PAYMENT");
    const now = this.ctx.clock.now();
    const last = this.lastLookupMs.get(paymentKey!);
    this.lastLookupMs.set(paymentKey!, now);
    if (last !== undefined && now - last < CONSECUTIVE_LOOKUP_MS) throw fail("FORBIDDEN_CONSECUTIVE_REQUEST");
    return { status: 200, body: structuredClone(record.payment) };
  }

  /** The order's newest payment that can be looked up. */
  private latestOfOrder(orderId: string): string | undefined {
    let latest: PaymentRecord | undefined;
    for (const record of this.payments.values()) {
      if (record.payment.orderId === orderId && record.confirmAsked && (!latest || record.createdAtMs >= latest.createdAtMs)) latest = record;
    }
    return latest?.payment.paymentKey as string | undefined;
  }

  private authenticate(req: IncomingMessage): void {
    const header = req.headers.authorization ?? "";
    if (!header.startsWith("Basic ")) throw fail("UNAUTHORIZED_KEY");
    const decoded = Buffer.from(header.slice(6).trim(), "base64").toString("utf8");
    const expected = `${this.ctx.tossSecretKey}:`;
    const a = Buffer.from(decoded);
    const b = Buffer.from(expected);
    if (a.length !== b.length || !timingSafeEqual(a, b)) throw fail("UNAUTHORIZED_KEY");
  }

  private json(c: RequestContext): unknown {
    try {
      return JSON.parse(c.body.toString("utf8") || "{}");
    } catch {
      throw fail("INVALID_REQUEST", "요청 본문이 올바른 JSON이 아닙니다.");
    }
  }

  private parse<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, value: unknown): T {
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw fail("INVALID_REQUEST", `잘못된 요청입니다. (${issue.path.join(".") || "body"}: ${issue.message})`);
    }
    return parsed.data;
  }

  private record(paymentKey: string): PaymentRecord {
    const record = this.payments.get(paymentKey);
    if (!record) throw fail("NOT_FOUND_PAYMENT");
    this.expireIfDue(record);
    return record;
  }

  // ---- API ----------------------------------------------------------------

  private async create(c: RequestContext): Promise<IdempotentAnswer> {
    const body = this.json(c);
    const input = this.parse(CreatePayment, body);
    if (input.amount < 100) throw fail("BELOW_MINIMUM_AMOUNT");
    if (this.byOrderId.has(input.orderId)) throw fail("DUPLICATED_ORDER_ID");
    const targets = [input.orderId];
    const failure = this.ctx.faults.take("create_error", "toss", targets);
    if (failure && failure.status >= 500) {
      throw new TossApiError(failure.status, "FAILED_INTERNAL_SYSTEM_PROCESSING", TOSS_CODES.FAILED_INTERNAL_SYSTEM_PROCESSING.message);
    }
    if (failure) throw fail("INVALID_REQUEST");
    const hang = this.ctx.faults.take("create_hang", "toss", targets);
    if (hang) {
      await hangThenDrop(c, hang.ms);
      return { status: 0, body: null };
    }
    const slow = this.ctx.faults.take("create_slow", "toss", targets);
    if (slow) await sleep(slow.ms);
    return { status: 200, body: structuredClone(this.openWindow(input)) };
  }

  /**
   * The browser SDK's requestPayment (sandbox/toss-sdk.ts): the same checks as
   * POST /v1/payments, then a new payment window for the order. An orderId whose
   * earlier windows were only opened, declined or expired may open another; one
   * that was approved (then paid or canceled) is a duplicate.
   */
  openWindowForSdk(request: unknown): Json {
    const input = this.parse(CreatePayment, request);
    if (input.amount < 100) throw fail("BELOW_MINIMUM_AMOUNT");
    if (this.orderInUse(input.orderId)) throw fail("DUPLICATED_ORDER_ID");
    return structuredClone(this.openWindow(input));
  }

  /** Some payment of this orderId was approved in its window (and maybe paid or canceled since). */
  private orderInUse(orderId: string): boolean {
    const settling: unknown[] = ["IN_PROGRESS", "WAITING_FOR_DEPOSIT", "DONE", "CANCELED", "PARTIAL_CANCELED"];
    for (const record of this.payments.values()) {
      if (record.payment.orderId !== orderId) continue;
      this.expireIfDue(record);
      if (settling.includes(record.payment.status)) return true;
    }
    return false;
  }

  private openWindow(input: z.infer<typeof CreatePayment>): Json {
    const paymentKey = `tsbx${this.ctx.clock.now().toString(36)}${randomId("", 20)}`;
    const nowMs = this.ctx.clock.now();
    const vat = Math.round((input.amount - (input.taxFreeAmount ?? 0)) / 11);
    const payment: Json = {
      mId: "tosssandbox",
      lastTransactionKey: null,
      paymentKey,
      orderId: input.orderId,
      orderName: input.orderName,
      taxExemptionAmount: 0,
      status: "READY",
      requestedAt: kstIso(nowMs),
      approvedAt: null,
      useEscrow: false,
      cultureExpense: false,
      card: null,
      virtualAccount: null,
      transfer: null,
      mobilePhone: null,
      giftCertificate: null,
      cashReceipt: null,
      cashReceipts: null,
      discount: null,
      cancels: null,
      secret: null,
      type: "NORMAL",
      easyPay: null,
      country: "KR",
      failure: null,
      isPartialCancelable: true,
      receipt: null,
      checkout: { url: `${this.ctx.publicUrl}/v1/payments/${paymentKey}/checkout` },
      currency: "KRW",
      totalAmount: input.amount,
      balanceAmount: input.amount,
      suppliedAmount: input.amount - vat - (input.taxFreeAmount ?? 0),
      vat,
      taxFreeAmount: input.taxFreeAmount ?? 0,
      metadata: input.metadata ?? null,
      method: "카드",
      version: "2022-11-16",
    };
    this.payments.set(paymentKey, {
      payment,
      successUrl: input.successUrl,
      failUrl: input.failUrl,
      createdAtMs: nowMs,
      approvedAtMs: null,
      confirmAsked: false,
    });
    this.byOrderId.set(input.orderId, paymentKey);
    return payment;
  }

  private confirm(c: RequestContext): IdempotentAnswer {
    const input = this.parse(ConfirmPayment, this.json(c));
    const record = this.payments.get(input.paymentKey);
    if (!record) throw fail("NOT_FOUND_PAYMENT");
    const payment = record.payment;
    // A payment confirmed once answers ALREADY_PROCESSED_PAYMENT whatever the
    // body says, so a shop must look it up before believing it is its own.
    if (["DONE", "CANCELED", "PARTIAL_CANCELED"].includes(payment.status as string)) {
      throw fail("ALREADY_PROCESSED_PAYMENT");
    }
    if (payment.orderId !== input.orderId) {
      throw fail("INVALID_REQUEST", "잘못된 요청입니다. (orderId가 결제 정보와 일치하지 않습니다.)");
    }
    this.expireIfDue(record);
    if (payment.status !== "IN_PROGRESS") throw fail("NOT_FOUND_PAYMENT_SESSION");
    if (input.amount !== payment.totalAmount) {
      throw fail("INVALID_REQUEST", "잘못된 요청입니다. (결제 금액이 결제창의 금액과 일치하지 않습니다.)");
    }
    record.confirmAsked = true;
    // Declines and transient errors arrive at confirm: a decline ends the
    // payment ABORTED (with `failure`), a transient error leaves it
    // IN_PROGRESS so that a later confirm can still succeed.
    const refused = this.ctx.faults.take("confirm_error", "toss", [payment.orderId as string, input.paymentKey]);
    if (refused) {
      const code = TOSS_CODES[refused.code] as { status: number; message: string; aborts?: boolean };
      if (code.aborts) {
        payment.status = "ABORTED";
        payment.failure = { code: refused.code, message: code.message };
        this.emitStatusChange(record);
      }
      throw fail(refused.code);
    }
    const nowMs = this.ctx.clock.now();
    payment.status = "DONE";
    payment.approvedAt = kstIso(nowMs);
    payment.lastTransactionKey = randomId("txrd_", 28);
    payment.method = "카드";
    payment.card = {
      issuerCode: "61",
      acquirerCode: "31",
      number: "43301234****123*",
      installmentPlanMonths: 0,
      isInterestFree: false,
      interestPayer: null,
      approveNo: String(Math.floor(10_000_000 + Math.random() * 89_999_999)),
      useCardPoint: false,
      cardType: "신용",
      ownerType: "개인",
      acquireStatus: "READY",
      amount: payment.totalAmount,
    };
    payment.receipt = { url: `${this.ctx.publicUrl}/v1/payments/${input.paymentKey}/receipt` };
    this.emitStatusChange(record);
    return { status: 200, body: structuredClone(payment) };
  }

  private cancel(c: RequestContext): IdempotentAnswer {
    const record = this.record(c.params.paymentKey);
    const input = this.parse(CancelPayment, this.json(c));
    const payment = record.payment;
    if (payment.status === "CANCELED") throw fail("ALREADY_CANCELED_PAYMENT");
    if (payment.status !== "DONE" && payment.status !== "PARTIAL_CANCELED") {
      throw fail("NOT_CANCELABLE_PAYMENT");
    }
    const balance = payment.balanceAmount as number;
    const amount = input.cancelAmount ?? balance;
    if (amount > balance) throw fail("NOT_CANCELABLE_AMOUNT");
    const failure = this.ctx.faults.take("refund_error", "toss", [payment.orderId as string, record.payment.paymentKey as string]);
    if (failure && !failure.applied) throw fail("FAILED_PAYMENT_INTERNAL_SYSTEM_PROCESSING");
    const nowMs = this.ctx.clock.now();
    const transactionKey = randomId("txcl_", 28);
    const cancels = (payment.cancels as Json[] | null) ?? [];
    cancels.push({
      transactionKey,
      cancelReason: input.cancelReason,
      taxExemptionAmount: 0,
      canceledAt: kstIso(nowMs),
      cardDiscountAmount: 0,
      transferDiscountAmount: 0,
      easyPayDiscountAmount: 0,
      receiptKey: null,
      cancelAmount: amount,
      taxFreeAmount: 0,
      refundableAmount: balance - amount,
      cancelStatus: "DONE",
      cancelRequestId: null,
    });
    payment.cancels = cancels;
    payment.balanceAmount = balance - amount;
    payment.status = balance - amount === 0 ? "CANCELED" : "PARTIAL_CANCELED";
    payment.lastTransactionKey = transactionKey;
    this.emitStatusChange(record);
    if (failure) throw fail("FAILED_PAYMENT_INTERNAL_SYSTEM_PROCESSING");
    return { status: 200, body: structuredClone(payment) };
  }

  // ---- the payment window (browser) ----------------------------------------

  /** The return URL the shop gave for this payment's window (for links back to it). */
  shopReturnUrl(paymentKey: string): string | null {
    return this.payments.get(paymentKey)?.failUrl ?? null;
  }

  findPayment(paymentKey: string): Json | undefined {
    const record = this.payments.get(paymentKey);
    if (!record) return undefined;
    this.expireIfDue(record);
    return record.payment;
  }

  paymentKeyOf(orderIdOrKey: string): string | undefined {
    return this.payments.has(orderIdOrKey) ? orderIdOrKey : this.byOrderId.get(orderIdOrKey);
  }

  approve(paymentKey: string): WindowResult {
    const record = this.payments.get(paymentKey);
    if (!record) return { ok: false, reason: "not_found", message: MESSAGES.NOT_FOUND_PAYMENT };
    this.expireIfDue(record);
    const payment = record.payment;
    if (payment.status !== "READY") {
      return { ok: false, reason: "not_ready", message: `이 결제창은 더 이상 사용할 수 없습니다 (status ${String(payment.status)}).` };
    }
    // Two windows of one order (the SDK's and the server-created one) never both charge.
    if (this.orderInUse(payment.orderId as string)) {
      return { ok: false, reason: "not_ready", message: MESSAGES.DUPLICATED_ORDER_ID };
    }
    const targets = [payment.orderId as string, paymentKey];
    if (this.ctx.faults.take("payment_declined", "toss", targets)) return this.decline(paymentKey);
    const mismatch = this.ctx.faults.take("amount_mismatch", "toss", targets);
    if (mismatch) {
      const reported = mismatch.amount ?? (payment.totalAmount as number) + mismatch.delta;
      payment.totalAmount = reported;
      payment.balanceAmount = reported;
    }
    payment.status = "IN_PROGRESS";
    record.approvedAtMs = this.ctx.clock.now();
    const url = new URL(record.successUrl);
    url.searchParams.set("paymentType", "NORMAL");
    url.searchParams.set("orderId", payment.orderId as string);
    url.searchParams.set("paymentKey", paymentKey);
    url.searchParams.set("amount", String(payment.totalAmount));
    return { ok: true, redirectUrl: url.toString(), payment: structuredClone(payment) };
  }

  decline(paymentKey: string): WindowResult {
    const record = this.payments.get(paymentKey);
    if (!record) return { ok: false, reason: "not_found", message: MESSAGES.NOT_FOUND_PAYMENT };
    const payment = record.payment;
    if (payment.status !== "READY") {
      return { ok: false, reason: "not_ready", message: `이 결제창은 더 이상 사용할 수 없습니다 (status ${String(payment.status)}).` };
    }
    payment.status = "ABORTED";
    payment.failure = { code: "REJECT_CARD_COMPANY", message: TOSS_CODES.REJECT_CARD_COMPANY.message };
    this.emitStatusChange(record);
    return { ok: true, redirectUrl: this.failUrl(record, "REJECT_CARD_COMPANY"), payment: structuredClone(payment) };
  }

  /** The shopper closes the window: nothing changes at Toss, the browser goes to failUrl. */
  cancelWindow(paymentKey: string): WindowResult {
    const record = this.payments.get(paymentKey);
    if (!record) return { ok: false, reason: "not_found", message: MESSAGES.NOT_FOUND_PAYMENT };
    return { ok: true, redirectUrl: this.failUrl(record, "PAY_PROCESS_CANCELED"), payment: structuredClone(record.payment) };
  }

  private failUrl(record: PaymentRecord, code: "PAY_PROCESS_CANCELED" | "REJECT_CARD_COMPANY"): string {
    const url = new URL(record.failUrl);
    url.searchParams.set("code", code);
    url.searchParams.set("message", MESSAGES[code]);
    url.searchParams.set("orderId", record.payment.orderId as string);
    return url.toString();
  }

  // ---- time and events ------------------------------------------------------

  sweep(): void {
    for (const record of this.payments.values()) this.expireIfDue(record);
  }

  private expireIfDue(record: PaymentRecord): void {
    const now = this.ctx.clock.now();
    const status = record.payment.status;
    const due =
      (status === "READY" && now - record.createdAtMs > READY_TTL_MS) ||
      (status === "IN_PROGRESS" && record.approvedAtMs !== null && now - record.approvedAtMs > CONFIRM_WINDOW_MS);
    if (!due) return;
    record.payment.status = "EXPIRED";
    record.payment.failure = { code: "EXPIRED_PAYMENT", message: "결제가 만료되었습니다. 다시 시도해주세요." };
    this.emitStatusChange(record);
  }

  private emitStatusChange(record: PaymentRecord): void {
    const payment = record.payment;
    const targets = [payment.orderId as string, payment.paymentKey as string];
    if (payment.status === "DONE") {
      const outOfOrder = this.ctx.faults.take("webhook_out_of_order", "toss", targets);
      if (outOfOrder) {
        // A stale EXPIRED notice reaches the shop before the DONE one.
        this.send({ ...structuredClone(payment), status: "EXPIRED", approvedAt: null, card: null }, targets);
        this.send(payment, targets, outOfOrder.gapMs);
        return;
      }
    }
    this.send(payment, targets);
  }

  private send(payment: Json, targets: string[], extraDelayMs = 0): void {
    const body = {
      eventType: "PAYMENT_STATUS_CHANGED",
      createdAt: kstIso(this.ctx.clock.now()).replace("+09:00", ".000000"),
      data: structuredClone(payment),
    };
    emitWithFaults(
      this.ctx,
      {
        provider: "toss",
        eventId: `${payment.paymentKey as string}:${payment.status as string}:${randomId("", 8)}`,
        eventType: `PAYMENT_STATUS_CHANGED:${payment.status as string}`,
        target: payment.orderId as string,
        payload: body,
      },
      targets,
      extraDelayMs,
    );
  }
}

/** What Toss answers a route it does not have (as for `POST /v1/payments` when switched off). */
function unknownRoute(c: RequestContext): void {
  sendJson(c.res, 404, { code: "NOT_FOUND", message: TOSS_CODES.NOT_FOUND.message });
}
