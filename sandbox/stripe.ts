import type { SandboxContext } from "./context.ts";
import { emitWithFaults } from "./context.ts";
import {
  type FormValue,
  type RequestContext,
  type Router,
  formPairs,
  hangThenDrop,
  parseNestedParams,
  randomId,
  sleep,
} from "./http.ts";
import { invalid, StripeApiError } from "./stripe/errors.ts";
import { type StripeAnswer, StripeRequests } from "./stripe/requests.ts";
import { chargeObject, disputeObject, paymentIntentObject } from "./stripe/objects.ts";
import {
  type LineItem,
  type Metadata,
  MINIMUM_CHARGE,
  optionalString,
  parseInteger,
  parseMetadata,
  rejectUnknown,
  validateCreateParams,
} from "./stripe/params.ts";

export { MINIMUM_CHARGE, StripeApiError };

type Json = Record<string, unknown>;

interface SessionRecord {
  session: Json;
  lineItems: LineItem[];
  paymentIntentMetadata: Metadata;
  paymentIntentDescription: string | null;
  createdAt: number;
}

export type PayResult =
  | { ok: true; redirectUrl: string; session: Json }
  | { ok: false; reason: "declined" | "not_open" | "not_found"; message: string; session?: Json };


/** Stripe's Checkout Session API, the subset this shop uses, kept in memory. */
export class StripeSandbox {
  private sessions = new Map<string, SessionRecord>();
  private paymentIntents = new Map<string, Json>();
  private charges = new Map<string, Json>();
  private disputes = new Map<string, Json>();
  private refunds = new Map<string, Json>();

  private requests: StripeRequests;

  constructor(private ctx: SandboxContext) {
    this.requests = new StripeRequests(ctx);
  }

  reset(): void {
    this.sessions.clear();
    this.paymentIntents.clear();
    this.charges.clear();
    this.requests.reset();
    this.disputes.clear();
    this.refunds.clear();
  }

  register(router: Router): void {
    router.on("POST", "/v1/checkout/sessions", (c) => this.api(c, () => this.createSession(c)));
    router.on("GET", "/v1/checkout/sessions/:id", (c) =>
      this.api(c, async () => ({ status: 200, body: this.retrieve(c.params.id, this.expandOf(c)) })),
    );
    router.on("GET", "/v1/checkout/sessions/:id/line_items", (c) =>
      this.api(c, async () => ({ status: 200, body: this.lineItemList(this.record(c.params.id)) })),
    );
    router.on("POST", "/v1/checkout/sessions/:id/expire", (c) =>
      this.api(c, async () => ({ status: 200, body: this.expireByApi(c.params.id) })),
    );
    router.on("GET", "/v1/payment_intents/:id", (c) =>
      this.api(c, async () => {
        const intent = this.paymentIntents.get(c.params.id);
        if (!intent) throw this.noSuch("payment_intent", c.params.id, "intent");
        return { status: 200, body: intent };
      }),
    );
    router.on("POST", "/v1/refunds", (c) => this.api(c, async () => ({ status: 200, body: this.refundByApi(c) })));
    router.on("GET", "/v1/refunds", (c) => this.api(c, async () => ({ status: 200, body: this.refundList(c) })));
    router.on("GET", "/v1/refunds/:id", (c) =>
      this.api(c, async () => {
        const refund = this.refunds.get(c.params.id);
        if (!refund) throw this.noSuch("refund", c.params.id, "id");
        return { status: 200, body: refund };
      }),
    );
    router.on("GET", "/v1/disputes/:id", (c) =>
      this.api(c, async () => {
        const dispute = this.disputes.get(c.params.id);
        if (!dispute) throw this.noSuch("dispute", c.params.id, "dispute");
        return { status: 200, body: dispute };
      }),
    );
  }

  // ---- request plumbing -------------------------------------------------

  private params(c: RequestContext): Record<string, FormValue> {
    const pairs = c.req.method === "GET" ? Array.from(c.url.searchParams.entries()) : formPairs(c.body);
    return parseNestedParams(pairs);
  }

  private expandOf(c: RequestContext): string[] {
    const expand = this.params(c).expand;
    if (expand === undefined) return [];
    return (Array.isArray(expand) ? expand : [expand]).filter((v): v is string => typeof v === "string");
  }

  /** Authentication, idempotency and error answers as Stripe gives them, around one endpoint. */
  private api(c: RequestContext, run: () => Promise<StripeAnswer>) {
    return this.requests.answer(c, JSON.stringify(this.params(c)), run);
  }

  private noSuch(object: string, id: string, param: string): StripeApiError {
    return new StripeApiError(404, "invalid_request_error", `No such ${object}: '${id}'`, "resource_missing", param);
  }

  // ---- Checkout Sessions -----------------------------------------------

  private async createSession(c: RequestContext) {
    const params = this.params(c);
    const input = validateCreateParams(this.ctx.clock.unixSeconds(), params);
    const targets = [input.clientReferenceId];
    const failure = this.ctx.faults.take("create_error", "stripe", targets);
    if (failure && failure.status >= 500) {
      throw new StripeApiError(failure.status, "api_error", "An unknown error occurred (injected by the payment sandbox).");
    }
    if (failure) {
      throw new StripeApiError(failure.status, "invalid_request_error", "The request was refused (injected by the payment sandbox).", "parameter_invalid_empty");
    }
    const hang = this.ctx.faults.take("create_hang", "stripe", targets);
    if (hang) {
      await hangThenDrop(c, hang.ms);
      return { status: 0, body: null };
    }
    const slow = this.ctx.faults.take("create_slow", "stripe", targets);
    if (slow) await sleep(slow.ms);

    const id = randomId("cs_test_a1", 56);
    const now = this.ctx.clock.unixSeconds();
    const lineItems: LineItem[] = input.lineItems.map((item) => ({
      ...item,
      id: randomId("li_"),
      productId: randomId("prod_", 14),
      priceId: randomId("price_"),
    }));
    const subtotal = lineItems.reduce((sum, item) => sum + item.unitAmount * item.quantity, 0);
    const session: Json = {
      id,
      object: "checkout.session",
      // As asked (on unless turned off); the sandbox itself never converts currencies.
      adaptive_pricing: { enabled: input.adaptivePricing },
      after_expiration: null,
      allow_promotion_codes: input.allowPromotionCodes,
      amount_subtotal: subtotal,
      amount_total: subtotal,
      automatic_tax: { enabled: false, liability: null, provider: null, status: null },
      billing_address_collection: input.billingAddressCollection,
      cancel_url: input.cancelUrl,
      client_reference_id: input.clientReferenceId,
      client_secret: null,
      collected_information: null,
      consent: null,
      consent_collection: null,
      created: now,
      currency: lineItems[0].currency,
      currency_conversion: null,
      custom_fields: [],
      custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
      customer: null,
      customer_creation: "if_required",
      customer_details: null,
      customer_email: input.customerEmail,
      discounts: [],
      expires_at: input.expiresAt ?? now + 24 * 60 * 60,
      invoice: null,
      invoice_creation: {
        enabled: false,
        invoice_data: {
          account_tax_ids: null,
          custom_fields: null,
          description: null,
          footer: null,
          issuer: null,
          metadata: {},
          rendering_options: null,
        },
      },
      livemode: false,
      locale: input.locale,
      metadata: input.metadata,
      mode: "payment",
      origin_context: null,
      payment_intent: null,
      payment_link: null,
      payment_method_collection: "if_required",
      payment_method_configuration_details: null,
      payment_method_options: { card: { request_three_d_secure: "automatic" } },
      payment_method_types: ["card"],
      payment_status: "unpaid",
      permissions: null,
      phone_number_collection: { enabled: false },
      recovered_from: null,
      saved_payment_method_options: null,
      setup_intent: null,
      shipping_address_collection: null,
      shipping_cost: null,
      shipping_options: [],
      status: "open",
      submit_type: input.submitType,
      subscription: null,
      success_url: input.successUrl,
      total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
      ui_mode: "hosted",
      url: `${this.ctx.publicUrl}/c/pay/${id}`,
      wallet_options: null,
    };
    this.sessions.set(id, {
      session,
      lineItems,
      paymentIntentMetadata: input.paymentIntentMetadata,
      paymentIntentDescription: input.paymentIntentDescription,
      createdAt: now,
    });
    return { status: 200, body: this.view(this.record(id), input.expand) };
  }

  /** The hosted page and control API look sessions up here (the clock may expire them first). */
  findSession(id: string): { session: Json; lineItems: LineItem[] } | undefined {
    const record = this.sessions.get(id);
    if (!record) return undefined;
    this.expireIfDue(record);
    return { session: record.session, lineItems: record.lineItems };
  }

  private record(id: string): SessionRecord {
    const record = this.sessions.get(id);
    if (!record) throw this.noSuch("checkout.session", id, "session");
    this.expireIfDue(record);
    return record;
  }

  private retrieve(id: string, expand: string[]): Json {
    return this.view(this.record(id), expand);
  }

  private view(record: SessionRecord, expand: string[]): Json {
    const copy = structuredClone(record.session);
    if (expand.includes("line_items")) copy.line_items = this.lineItemList(record);
    if (expand.includes("payment_intent") && typeof copy.payment_intent === "string") {
      copy.payment_intent = structuredClone(this.paymentIntents.get(copy.payment_intent) ?? null);
    }
    return copy;
  }

  private lineItemList(record: SessionRecord): Json {
    return {
      object: "list",
      data: record.lineItems.map((item) => ({
        id: item.id,
        object: "item",
        amount_discount: 0,
        amount_subtotal: item.unitAmount * item.quantity,
        amount_tax: 0,
        amount_total: item.unitAmount * item.quantity,
        currency: item.currency,
        description: item.name,
        price: {
          id: item.priceId,
          object: "price",
          active: false,
          billing_scheme: "per_unit",
          created: record.createdAt,
          currency: item.currency,
          custom_unit_amount: null,
          livemode: false,
          lookup_key: null,
          metadata: {},
          nickname: null,
          product: item.productId,
          recurring: null,
          tax_behavior: "unspecified",
          tiers_mode: null,
          transform_quantity: null,
          type: "one_time",
          unit_amount: item.unitAmount,
          unit_amount_decimal: String(item.unitAmount),
        },
        quantity: item.quantity,
      })),
      has_more: false,
      url: `/v1/checkout/sessions/${record.session.id}/line_items`,
    };
  }

  private expireByApi(id: string): Json {
    const record = this.record(id);
    if (record.session.status !== "open") {
      throw invalid(
        `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of ${record.session.status}.`,
        "session",
      );
    }
    this.expire(record);
    return this.view(record, []);
  }

  /** Expires an open session now (control API), as if its expires_at had passed. */
  expireNow(id: string): Json | undefined {
    const record = this.sessions.get(id);
    if (!record) return undefined;
    if (record.session.status === "open") this.expire(record);
    return structuredClone(record.session);
  }

  private expireIfDue(record: SessionRecord): void {
    if (record.session.status === "open" && (record.session.expires_at as number) <= this.ctx.clock.unixSeconds()) {
      this.expire(record);
    }
  }

  /** Runs on a timer: sessions whose expires_at passed become expired and send their event. */
  sweep(): void {
    for (const record of this.sessions.values()) this.expireIfDue(record);
  }

  private expire(record: SessionRecord): void {
    record.session.status = "expired";
    record.session.url = null;
    this.emit("checkout.session.expired", record.session, record);
  }

  // ---- paying, declining, refunding -------------------------------------

  pay(id: string): PayResult {
    const record = this.sessions.get(id);
    if (!record) return { ok: false, reason: "not_found", message: `No such checkout.session: '${id}'` };
    this.expireIfDue(record);
    const session = record.session;
    if (session.status !== "open") {
      return {
        ok: false,
        reason: "not_open",
        message: `This Checkout Session is ${session.status}; it can no longer be paid.`,
        session: structuredClone(session),
      };
    }
    const targets = [id, session.client_reference_id as string | null];
    if (this.ctx.faults.take("payment_declined", "stripe", targets)) {
      return { ok: false, reason: "declined", message: "Your card was declined.", session: structuredClone(session) };
    }
    const mismatch = this.ctx.faults.take("amount_mismatch", "stripe", targets);
    if (mismatch) {
      const reported = mismatch.amount ?? (session.amount_total as number) + mismatch.delta;
      session.amount_total = reported;
      session.amount_subtotal = reported;
    }
    const asyncPayment = this.ctx.faults.take("async_payment", "stripe", targets);
    const now = this.ctx.clock.unixSeconds();
    const intentId = randomId("pi_3Q");
    const chargeId = randomId("ch_3Q");
    const amount = session.amount_total as number;
    const currency = session.currency as string;
    const metadata = { ...record.paymentIntentMetadata };
    this.paymentIntents.set(intentId, paymentIntentObject({
      id: intentId,
      amount,
      currency,
      metadata,
      description: record.paymentIntentDescription,
      created: now,
      status: asyncPayment ? "processing" : "succeeded",
      latestCharge: asyncPayment ? null : chargeId,
    }));
    if (!asyncPayment) {
      this.charges.set(chargeId, chargeObject({ id: chargeId, intentId, amount, currency, metadata, created: now }));
    }
    session.status = "complete";
    session.payment_status = asyncPayment ? "unpaid" : "paid";
    session.payment_intent = intentId;
    session.url = null;
    session.customer_details = {
      address: { city: null, country: "US", line1: null, line2: null, postal_code: "10001", state: null },
      business_name: null,
      email: (session.customer_email as string | null) ?? "shopper@sandbox.test",
      individual_name: null,
      name: "Sandbox Shopper",
      phone: null,
      tax_exempt: "none",
      tax_ids: [],
    };

    const outOfOrder = this.ctx.faults.take("webhook_out_of_order", "stripe", targets);
    if (outOfOrder) {
      // A stale "expired" snapshot of the same session arrives before "completed".
      const stale = { ...structuredClone(session), status: "expired", payment_status: "unpaid", payment_intent: null, customer_details: null };
      this.emit("checkout.session.expired", stale, record);
      this.emit("checkout.session.completed", session, record, outOfOrder.gapMs);
    } else {
      this.emit("checkout.session.completed", session, record);
    }

    if (asyncPayment) {
      this.ctx.timers.after(asyncPayment.delayMs, () => this.settleAsync(record, intentId, chargeId, asyncPayment.outcome));
    }
    const successUrl = String(session.success_url).split("{CHECKOUT_SESSION_ID}").join(id);
    return { ok: true, redirectUrl: successUrl, session: structuredClone(session) };
  }

  private settleAsync(record: SessionRecord, intentId: string, chargeId: string, outcome: "succeeded" | "failed") {
    const intent = this.paymentIntents.get(intentId);
    if (!intent) return;
    const now = this.ctx.clock.unixSeconds();
    if (outcome === "succeeded") {
      intent.status = "succeeded";
      intent.amount_received = intent.amount;
      intent.latest_charge = chargeId;
      this.charges.set(chargeId, chargeObject({
        id: chargeId,
        intentId,
        amount: intent.amount as number,
        currency: intent.currency as string,
        metadata: intent.metadata as Metadata,
        created: now,
      }));
      record.session.payment_status = "paid";
      this.emit("checkout.session.async_payment_succeeded", record.session, record);
    } else {
      intent.status = "requires_payment_method";
      intent.last_payment_error = {
        type: "card_error",
        code: "payment_intent_payment_attempt_failed",
        message: "The payment failed.",
      };
      this.emit("checkout.session.async_payment_failed", record.session, record);
    }
  }

  /** Sessions for the hosted page's cancel button. */
  successUrl(id: string): string | null {
    const record = this.sessions.get(id);
    return record ? ((record.session.success_url as string | null) ?? null) : null;
  }

  cancelUrl(id: string): string | null {
    const record = this.sessions.get(id);
    return record ? (record.session.cancel_url as string | null) : null;
  }

  /**
   * Refunds `amount` (default: what is left) of a paid PaymentIntent's charge;
   * sends `refund.created` and `charge.refunded` (Stripe sends the latter for
   * partial refunds too, with `amount_refunded` so far and `refunded` true
   * only once nothing is left).
   */
  refund(intentId: string, { amount, reason = null, metadata = {} }: { amount?: number; reason?: string | null; metadata?: Metadata } = {}): Json {
    const intent = this.paymentIntents.get(intentId);
    if (!intent) throw this.noSuch("payment_intent", intentId, "payment_intent");
    const charge = typeof intent.latest_charge === "string" ? this.charges.get(intent.latest_charge) : undefined;
    if (intent.status !== "succeeded" || !charge) {
      throw invalid(`This PaymentIntent (${intentId}) does not have a successful charge to refund.`, "payment_intent", "charge_not_refundable");
    }
    const left = (charge.amount as number) - (charge.amount_refunded as number);
    if (left <= 0) throw invalid(`Charge ${charge.id} has already been refunded.`, "charge", "charge_already_refunded");
    const refunded = amount ?? left;
    if (refunded < 1) throw invalid("This value must be greater than or equal to 1.", "amount", "parameter_invalid_integer");
    if (refunded > left) {
      throw invalid(
        `Refund amount (${refunded}) is greater than the unrefunded amount on charge (${left}).`,
        "amount",
        "amount_too_large",
      );
    }
    const now = this.ctx.clock.unixSeconds();
    const refund: Json = {
      id: randomId("re_3Q"),
      object: "refund",
      amount: refunded,
      balance_transaction: randomId("txn_3Q"),
      charge: charge.id,
      created: now,
      currency: charge.currency,
      destination_details: { card: { reference_status: "pending", reference_type: "acquirer_reference_number", type: "refund" }, type: "card" },
      metadata,
      payment_intent: intentId,
      reason,
      receipt_number: null,
      source_transfer_reversal: null,
      status: "succeeded",
      transfer_reversal: null,
    };
    this.refunds.set(refund.id as string, refund);
    charge.amount_refunded = (charge.amount_refunded as number) + refunded;
    charge.refunded = charge.amount_refunded === charge.amount;
    const list = charge.refunds as { data: Json[] };
    charge.refunds = { object: "list", data: [refund, ...list.data], has_more: false, total_count: list.data.length + 1, url: `/v1/charges/${charge.id}/refunds` };
    const target = this.sessionOfIntent(intentId) ?? intentId;
    this.emitObject("refund.created", refund, target, 0, [intentId]);
    this.emitObject("charge.refunded", charge, target, 0, [intentId]);
    return structuredClone(refund);
  }

  private refundByApi(c: RequestContext): Json {
    const params = this.params(c);
    rejectUnknown(params, ["payment_intent", "charge", "amount", "reason", "metadata", "expand"]);
    const intentId = optionalString(params, "payment_intent");
    const chargeId = optionalString(params, "charge");
    const resolved = intentId ?? (chargeId ? (this.charges.get(chargeId)?.payment_intent as string | undefined) : undefined);
    if (!resolved) {
      if (chargeId) throw this.noSuch("charge", chargeId, "charge");
      throw invalid("One of the following params should be provided for this request: payment_intent or charge.", "payment_intent", "parameter_missing");
    }
    const reason = optionalString(params, "reason") ?? null;
    if (reason !== null && !["duplicate", "fraudulent", "requested_by_customer"].includes(reason)) {
      throw invalid("Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer", "reason", "parameter_invalid_string");
    }
    const failure = this.ctx.faults.take("refund_error", "stripe", [resolved]);
    if (failure && !failure.applied) throw new StripeApiError(500, "api_error", "An unknown error occurred (injected by the payment sandbox).");
    const refund = this.refund(resolved, {
      amount: params.amount === undefined ? undefined : parseInteger(params.amount, "amount"),
      reason,
      metadata: parseMetadata(params.metadata, "metadata"),
    });
    if (failure) throw new StripeApiError(500, "api_error", "An unknown error occurred after the refund was made (injected by the payment sandbox).");
    return refund;
  }

  /**
   * `GET /v1/refunds`: newest first, filtered by `payment_intent` or `charge`;
   * `limit` 1–100 (default 10), `starting_after` a refund id (the next page).
   */
  private refundList(c: RequestContext): Json {
    const params = this.params(c);
    rejectUnknown(params, ["payment_intent", "charge", "limit", "starting_after", "expand"]);
    const limit = params.limit === undefined ? 10 : parseInteger(params.limit, "limit");
    if (limit < 1 || limit > 100) throw invalid("This value must be between 1 and 100.", "limit", "parameter_invalid_integer");
    const intentId = optionalString(params, "payment_intent");
    const chargeId = optionalString(params, "charge");
    let matching = [...this.refunds.values()]
      .filter((refund) => (intentId === undefined || refund.payment_intent === intentId) && (chargeId === undefined || refund.charge === chargeId))
      .reverse();
    const after = optionalString(params, "starting_after");
    if (after !== undefined) {
      const at = matching.findIndex((refund) => refund.id === after);
      if (at < 0) throw this.noSuch("refund", after, "starting_after");
      matching = matching.slice(at + 1);
    }
    return { object: "list", data: matching.slice(0, limit), has_more: matching.length > limit, url: "/v1/refunds" };
  }

  // ---- disputes (opened and decided through the control API) -------------

  /** The cardholder's bank opens a chargeback on the session's charge: `charge.dispute.created`. */
  openDispute(sessionId: string, reason = "fraudulent"): Json {
    const intentId = this.intentOfSession(sessionId);
    const intent = intentId ? this.paymentIntents.get(intentId) : undefined;
    const charge = intent && typeof intent.latest_charge === "string" ? this.charges.get(intent.latest_charge) : undefined;
    if (!intentId || !charge) throw invalid(`Checkout Session ${sessionId} has no charge to dispute.`, "session");
    if (charge.disputed) throw invalid(`Charge ${charge.id} is already disputed.`, "charge", "charge_disputed");
    const dispute = disputeObject({
      id: randomId("dp_1Q"),
      charge: charge.id as string,
      intentId,
      amount: (charge.amount as number) - (charge.amount_refunded as number),
      currency: charge.currency as string,
      reason,
      created: this.ctx.clock.unixSeconds(),
      dueBy: this.ctx.clock.unixSeconds() + 7 * 24 * 3600,
    });
    this.disputes.set(dispute.id as string, dispute);
    charge.disputed = true;
    this.emitObject("charge.dispute.created", dispute, sessionId, 0, [intentId]);
    return structuredClone(dispute);
  }

  /** The dispute is decided: `charge.dispute.closed` with status won or lost. */
  closeDispute(disputeId: string, status: "won" | "lost"): Json {
    const dispute = this.disputes.get(disputeId);
    if (!dispute) throw this.noSuch("dispute", disputeId, "dispute");
    if (dispute.status === "won" || dispute.status === "lost") throw invalid(`Dispute ${disputeId} is already closed (${String(dispute.status)}).`, "dispute");
    dispute.status = status;
    if (status === "lost") {
      (dispute.balance_transactions as Json[]).push({ id: randomId("txn_3Q"), object: "balance_transaction", amount: -(dispute.amount as number) });
    }
    const intentId = dispute.payment_intent as string;
    this.emitObject("charge.dispute.closed", dispute, this.sessionOfIntent(intentId) ?? intentId, 0, [intentId]);
    return structuredClone(dispute);
  }

  private sessionOfIntent(intentId: string): string | null {
    const record = Array.from(this.sessions.values()).find((r) => r.session.payment_intent === intentId);
    return record ? (record.session.id as string) : null;
  }

  /** Every session created for a client_reference_id (the shop's checkout), oldest first. */
  sessionsFor(clientReferenceId: string): Array<{ id: string; status: string; payment_status: string; amount_total: number }> {
    return Array.from(this.sessions.values())
      .filter((record) => record.session.client_reference_id === clientReferenceId)
      .map((record) => {
        this.expireIfDue(record);
        const { id, status, payment_status, amount_total } = record.session as Record<string, never>;
        return { id, status, payment_status, amount_total };
      });
  }

  /** The charge of a paid session, for the control API. */
  chargeOfSession(id: string): Json | null {
    const intentId = this.intentOfSession(id);
    const intent = intentId ? this.paymentIntents.get(intentId) : undefined;
    const charge = intent && typeof intent.latest_charge === "string" ? this.charges.get(intent.latest_charge) : undefined;
    return charge ? structuredClone(charge) : null;
  }

  /** The Checkout Session id whose PaymentIntent this is, for the control API. */
  intentOfSession(id: string): string | null {
    const record = this.sessions.get(id);
    return record ? (record.session.payment_intent as string | null) : null;
  }

  // ---- events -------------------------------------------------------------

  private emit(type: string, session: Json, record: SessionRecord, extraDelayMs = 0): void {
    this.emitObject(type, session, record.session.id as string, extraDelayMs, [record.session.client_reference_id as string]);
  }

  private emitObject(type: string, object: Json, target: string, extraDelayMs = 0, moreTargets: string[] = []): void {
    const event = {
      id: randomId("evt_1Q"),
      object: "event",
      api_version: this.ctx.stripeApiVersion,
      created: this.ctx.clock.unixSeconds(),
      data: { object: structuredClone(object) },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
    };
    emitWithFaults(
      this.ctx,
      { provider: "stripe", eventId: event.id, eventType: type, target, payload: event },
      [target, ...moreTargets],
      extraDelayMs,
    );
  }
}
