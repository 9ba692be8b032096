import { z } from "zod";
import type { SandboxContext } from "./context.ts";
import { FaultSchema } from "./faults.ts";
import { type RequestContext, type Router, sendJson } from "./http.ts";
import type { StripeApiError, StripeSandbox } from "./stripe.ts";
import type { TossSandbox, WindowResult } from "./toss.ts";

export interface ControlHooks {
  reset(): void;
  setWebhookUrl(provider: "stripe" | "toss", url: string | null): void;
  webhookUrls(): { stripe: string | null; toss: string | null };
}

const AdvanceClock = z
  .object({ seconds: z.number().nonnegative().optional(), ms: z.number().int().nonnegative().optional() })
  .refine((v) => v.seconds !== undefined || v.ms !== undefined, "give seconds or ms");

const Config = z.object({
  stripeWebhookUrl: z.string().url().nullable().optional(),
  tossWebhookUrl: z.string().url().nullable().optional(),
});

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
      sendJson(c.res, 200, { webhookUrls: hooks.webhookUrls() });
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

  // Stripe: act as the shopper (or the clock) without a browser.
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
  router.on("POST", "/_sandbox/stripe/sessions/:id/refund", (c) => {
    const intentId = stripe.intentOfSession(c.params.id);
    if (!intentId) return sendJson(c.res, 409, { error: "The session has no PaymentIntent to refund (not paid)." });
    try {
      sendJson(c.res, 200, { refund: stripe.refund(intentId) });
    } catch (error) {
      const stripeError = error as StripeApiError;
      sendJson(c.res, stripeError.status ?? 500, { error: stripeError.message });
    }
  });

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
