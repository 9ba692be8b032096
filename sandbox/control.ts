import { z } from "zod";
import type { SandboxContext } from "./context.ts";
import { FaultSchema } from "./faults.ts";
import { type RequestContext, type Router, sendJson } from "./http.ts";
import type { StripeApiError, StripeSandbox } from "./stripe.ts";
import type { TossSandbox, WindowResult } from "./toss.ts";

export interface ControlHooks {
  reset(): void;
  /** The provider API requests the sandbox answered, oldest first. */
  requests(): Array<{ at: string; method: string; path: string; status: number }>;
  setWebhookUrl(provider: "stripe" | "toss", url: string | null): void;
  webhookUrls(): { stripe: string | null; toss: string | null };
}

const AdvanceClock = z
  .object({ seconds: z.number().nonnegative().optional(), ms: z.number().int().nonnegative().optional() })
  .refine((v) => v.seconds !== undefined || v.ms !== undefined, "give seconds or ms");

const Config = z.object({
  stripeWebhookUrl: z.string().url().nullable().optional(),
  tossWebhookUrl: z.string().url().nullable().optional(),
  /** Whether TossPayments' server-created window (POST /v1/payments) answers; off, it is an unknown route (404). */
  tossServerWindow: z.boolean().optional(),
  /** The api_version written on Stripe events from now on. */
  stripeApiVersion: z.string().regex(/^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/, "must look like 2026-10-28.endive").optional(),
});

const RefundBody = z.object({ amount: z.number().int().positive().optional() });
const DisputeBody = z.object({ reason: z.string().min(1).max(40).optional() });
const CloseDisputeBody = z.object({ status: z.enum(["won", "lost"]) });

function readJson(c: RequestContext): unknown {
  const text = c.body.toString("utf8").trim();
  if (!text) return {};
  return JSON.parse(text);
}

function badRequest(c: RequestContext, error: unknown) {
  const message =
    error instanceof z.ZodError
      ? error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ")
      : error instanceof Error
        ? error.message
        : String(error);
  sendJson(c.res, 400, { error: message });
}

/** The JSON control API under /_sandbox/ that tests and developers drive. */
export function registerControl(router: Router, ctx: SandboxContext, stripe: StripeSandbox, toss: TossSandbox, hooks: ControlHooks) {
  router.on("GET", "/_sandbox/health", (c) => sendJson(c.res, 200, { ok: true, url: ctx.publicUrl, webhookUrls: hooks.webhookUrls() }));

  router.on("POST", "/_sandbox/reset", (c) => {
    hooks.reset();
    sendJson(c.res, 200, { ok: true });
  });

  router.on("GET", "/_sandbox/requests", (c) => {
    const method = c.url.searchParams.get("method");
    const path = c.url.searchParams.get("path");
    const data = hooks.requests().filter((r) => (!method || r.method === method) && (!path || r.path === path));
    sendJson(c.res, 200, { data });
  });

  router.on("GET", "/_sandbox/faults", (c) => sendJson(c.res, 200, { data: ctx.faults.list() }));
  router.on("DELETE", "/_sandbox/faults", (c) => {
    ctx.faults.clear();
    sendJson(c.res, 200, { ok: true });
  });
  router.on("POST", "/_sandbox/faults", (c) => {
    try {
      const body = readJson(c);
      const list = Array.isArray(body) ? body : [body];
      const added = list.map((item) => ctx.faults.add(FaultSchema.parse(item)));
      sendJson(c.res, 201, { data: added.map((s) => ({ id: s.id, ...s.fault })) });
    } catch (error) {
      badRequest(c, error);
    }
  });

  router.on("POST", "/_sandbox/clock/advance", (c) => {
    try {
      const input = AdvanceClock.parse(readJson(c));
      ctx.clock.advance((input.ms ?? 0) + Math.round((input.seconds ?? 0) * 1000));
      stripe.sweep();
      toss.sweep();
      sendJson(c.res, 200, { now: new Date(ctx.clock.now()).toISOString() });
    } catch (error) {
      badRequest(c, error);
    }
  });

  router.on("POST", "/_sandbox/config", (c) => {
    try {
      const input = Config.parse(readJson(c));
      if (input.stripeWebhookUrl !== undefined) hooks.setWebhookUrl("stripe", input.stripeWebhookUrl);
      if (input.tossWebhookUrl !== undefined) hooks.setWebhookUrl("toss", input.tossWebhookUrl);
      if (input.stripeApiVersion !== undefined) ctx.stripeApiVersion = input.stripeApiVersion;
      if (input.tossServerWindow !== undefined) toss.serverWindow = input.tossServerWindow;
      sendJson(c.res, 200, { webhookUrls: hooks.webhookUrls(), stripeApiVersion: ctx.stripeApiVersion, tossServerWindow: toss.serverWindow });
    } catch (error) {
      badRequest(c, error);
    }
  });

  router.on("GET", "/_sandbox/deliveries", (c) => {
    const q = c.url.searchParams;
    const data = ctx.webhooks.list({
      provider: q.get("provider") ?? undefined,
      target: q.get("target") ?? undefined,
      eventType: q.get("eventType") ?? undefined,
    });
    sendJson(c.res, 200, { data, busy: ctx.webhooks.busy() });
  });

  // Stripe: look at what the shop opened, and act as the shopper (or the clock) without a browser.
  router.on("GET", "/_sandbox/stripe/sessions", (c) => {
    const reference = c.url.searchParams.get("client_reference_id");
    if (!reference) return sendJson(c.res, 400, { error: "Give ?client_reference_id= (the shop's checkout session id)." });
    sendJson(c.res, 200, { data: stripe.sessionsFor(reference) });
  });
  router.on("GET", "/_sandbox/stripe/sessions/:id/charge", (c) => {
    const charge = stripe.chargeOfSession(c.params.id);
    if (!charge) return sendJson(c.res, 404, { error: `Checkout Session ${c.params.id} has no charge (not paid).` });
    sendJson(c.res, 200, { charge });
  });
  router.on("POST", "/_sandbox/stripe/sessions/:id/pay", (c) => {
    const result = stripe.pay(c.params.id);
    if (result.ok) return sendJson(c.res, 200, { redirectUrl: result.redirectUrl, session: result.session });
    const status = result.reason === "not_found" ? 404 : result.reason === "declined" ? 402 : 409;
    sendJson(c.res, status, { error: result.message, reason: result.reason });
  });
  router.on("POST", "/_sandbox/stripe/sessions/:id/expire", (c) => {
    const session = stripe.expireNow(c.params.id);
    if (!session) return sendJson(c.res, 404, { error: `No such checkout.session: '${c.params.id}'` });
    sendJson(c.res, 200, { session });
  });
  const stripeAction = (run: (c: RequestContext) => Record<string, unknown>) => (c: RequestContext) => {
    try {
      sendJson(c.res, 200, run(c));
    } catch (error) {
      if (error instanceof z.ZodError || error instanceof SyntaxError) return badRequest(c, error);
      const stripeError = error as StripeApiError;
      sendJson(c.res, stripeError.status ?? 500, { error: stripeError.message, code: stripeError.code ?? null });
    }
  };
  router.on("POST", "/_sandbox/stripe/sessions/:id/refund", (c) => {
    const intentId = stripe.intentOfSession(c.params.id);
    if (!intentId) return sendJson(c.res, 409, { error: "The session has no PaymentIntent to refund (not paid)." });
    stripeAction((ctx) => ({ refund: stripe.refund(intentId, RefundBody.parse(readJson(ctx))) }))(c);
  });
  router.on(
    "POST",
    "/_sandbox/stripe/sessions/:id/dispute",
    stripeAction((c) => ({ dispute: stripe.openDispute(c.params.id, DisputeBody.parse(readJson(c)).reason) })),
  );
  router.on(
    "POST",
    "/_sandbox/stripe/disputes/:id/close",
    stripeAction((c) => ({ dispute: stripe.closeDispute(c.params.id, CloseDisputeBody.parse(readJson(c)).status) })),
  );

  // Toss: act as the shopper in the payment window. :key is a paymentKey or an orderId.
  const windowAction = (action: (paymentKey: string) => WindowResult) => (c: RequestContext) => {
    const paymentKey = toss.paymentKeyOf(c.params.key);
    if (!paymentKey) return sendJson(c.res, 404, { error: `No such payment: '${c.params.key}'` });
    const result = action(paymentKey);
    if (result.ok) return sendJson(c.res, 200, { redirectUrl: result.redirectUrl, payment: result.payment });
    sendJson(c.res, result.reason === "not_found" ? 404 : 409, { error: result.message, reason: result.reason });
  };
  router.on("POST", "/_sandbox/toss/payments/:key/approve", windowAction((k) => toss.approve(k)));
  router.on("POST", "/_sandbox/toss/payments/:key/decline", windowAction((k) => toss.decline(k)));
  router.on("POST", "/_sandbox/toss/payments/:key/close", windowAction((k) => toss.cancelWindow(k)));
}
