import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { Clock } from "./clock.ts";
import { type SandboxContext, TimerSet } from "./context.ts";
import { registerControl } from "./control.ts";
import { FaultBook, type Provider } from "./faults.ts";
import { type RequestContext, Router, readBody, redirect, sendHtml, sendJson } from "./http.ts";
import { messagePage, shopHome, stripeCheckoutPage, tossWindowPage } from "./pages.ts";
import { StripeSandbox } from "./stripe.ts";
import { TossSandbox } from "./toss.ts";
import { TossSdkStandIn } from "./toss-sdk.ts";
import { WebhookDispatcher } from "./webhooks.ts";

export interface SandboxOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** The origin browsers use to reach the sandbox; default http://localhost:<port>. */
  publicUrl?: string;
  stripeSecretKey: string;
  stripeWebhookSecret: string;
  tossSecretKey: string;
  tossClientKey: string;
  stripeWebhookUrl?: string;
  tossWebhookUrl?: string;
  /** Wait before each webhook retry; its length bounds the retries. */
  webhookRetryDelaysMs?: number[];
  webhookTimeoutMs?: number;
  /** How often the clock expires sessions and payment windows. */
  sweepIntervalMs?: number;
  /** The api_version written on Stripe events; default: the installed stripe SDK's. */
  stripeApiVersion?: string;
}

export interface RunningSandbox {
  url: string;
  port: number;
  close(): Promise<void>;
}

export const DEFAULT_RETRY_DELAYS_MS = [500, 2_000, 10_000, 30_000, 60_000];

export async function startSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  const webhookUrls: Record<Provider, string | null> = {
    stripe: options.stripeWebhookUrl ?? null,
    toss: options.tossWebhookUrl ?? null,
  };
  const clock = new Clock();
  const faults = new FaultBook();
  const timers = new TimerSet();
  const webhooks = new WebhookDispatcher({
    stripeWebhookSecret: options.stripeWebhookSecret,
    urlFor: (provider) => webhookUrls[provider] ?? undefined,
    retryDelaysMs: options.webhookRetryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS,
    requestTimeoutMs: options.webhookTimeoutMs ?? 10_000,
  });
  const ctx: SandboxContext = {
    publicUrl: "",
    stripeSecretKey: options.stripeSecretKey,
    stripeApiVersion: options.stripeApiVersion ?? Stripe.API_VERSION,
    tossSecretKey: options.tossSecretKey,
    tossClientKey: options.tossClientKey,
    clock,
    faults,
    webhooks,
    timers,
  };
  const stripe = new StripeSandbox(ctx);
  const toss = new TossSandbox(ctx);
  const router = new Router();
  stripe.register(router);
  toss.register(router);
  const tossSdk = new TossSdkStandIn(ctx, toss);
  tossSdk.register(router);
  registerHostedPages(router, stripe, toss);
  const requests: Array<{ at: string; method: string; path: string; status: number; stripeVersion?: string }> = [];
  registerControl(router, ctx, stripe, toss, {
    requests: () => [...requests],
    reset() {
      requests.length = 0;
      timers.clear();
      webhooks.reset();
      faults.clear();
      clock.reset();
      stripe.reset();
      toss.reset();
      tossSdk.reset();
    },
    setWebhookUrl(provider, url) {
      webhookUrls[provider] = url;
    },
    webhookUrls: () => ({ ...webhookUrls }),
  });

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://sandbox.invalid");
    if (url.pathname.startsWith("/v1/")) {
      // The API and the hosted pages under /v1, for tests that check what the shop called.
      const at = new Date().toISOString();
      const version = req.headers["stripe-version"];
      const stripeVersion = typeof version === "string" ? { stripeVersion: version } : {};
      res.once("finish", () => requests.push({ at, method: req.method ?? "GET", path: url.pathname, status: res.statusCode, ...stripeVersion }));
    }
    try {
      const found = router.match(req.method ?? "GET", url.pathname);
      if (found === null || found === "method") {
        const status = found === "method" ? 405 : 404;
        const message = `Unrecognized request URL (${req.method}: ${url.pathname}).`;
        return sendJson(res, status, { error: { type: "invalid_request_error", message }, code: "NOT_FOUND", message });
      }
      const body = await readBody(req);
      const context: RequestContext = { req, res, url, params: found.params, body };
      await found.handler(context);
    } catch (error) {
      console.error("[sandbox] unexpected error", error);
      if (!res.headersSent && !res.destroyed) {
        sendJson(res, 500, { error: { type: "api_error", message: "The payment sandbox failed unexpectedly." } });
      }
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 4010, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  ctx.publicUrl = (options.publicUrl ?? `http://localhost:${port}`).replace(/\/+$/, "");

  const sweeper = setInterval(() => {
    stripe.sweep();
    toss.sweep();
  }, options.sweepIntervalMs ?? 1_000);
  sweeper.unref();

  return {
    url: ctx.publicUrl,
    port,
    async close() {
      clearInterval(sweeper);
      timers.clear();
      webhooks.reset();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function registerHostedPages(router: Router, stripe: StripeSandbox, toss: TossSandbox): void {
  const showSession = (c: RequestContext, error?: string, status = 200) => {
    const found = stripe.findSession(c.params.id);
    if (!found) return sendHtml(c.res, 404, messagePage("Checkout not found", "This checkout link is not valid."));
    const { session, lineItems } = found;
    if (session.status !== "open") {
      const message =
        session.status === "complete"
          ? "This checkout session is complete: the payment was made."
          : "This checkout session has expired. Return to the shop and start again.";
      return sendHtml(c.res, 410, messagePage("Checkout no longer available", message, "en", shopHome(stripe.cancelUrl(c.params.id))));
    }
    sendHtml(
      c.res,
      status,
      stripeCheckoutPage({
        sessionId: session.id as string,
        lines: lineItems.map((item) => ({
          name: item.name,
          quantity: item.quantity,
          unitAmount: item.unitAmount,
          currency: item.currency,
        })),
        total: session.amount_total as number,
        currency: session.currency as string,
        email: session.customer_email as string | null,
        error,
      }),
    );
  };

  router.on("GET", "/c/pay/:id", (c) => showSession(c));
  router.on("POST", "/c/pay/:id/pay", (c) => {
    const result = stripe.pay(c.params.id);
    if (result.ok) return redirect(c.res, result.redirectUrl);
    if (result.reason === "declined") return showSession(c, `${result.message} Try another card.`, 402);
    showSession(c);
  });
  router.on("POST", "/c/pay/:id/decline", (c) => showSession(c, "Your card was declined. Try another card.", 402));
  router.on("POST", "/c/pay/:id/cancel", (c) => {
    const found = stripe.findSession(c.params.id);
    const cancelUrl = stripe.cancelUrl(c.params.id);
    if (!found) return sendHtml(c.res, 404, messagePage("Checkout not found", "This checkout link is not valid."));
    if (!cancelUrl) return sendHtml(c.res, 200, messagePage("Checkout canceled", "You can close this window.", "en", shopHome(stripe.successUrl(c.params.id))));
    redirect(c.res, cancelUrl);
  });

  router.on("GET", "/v1/payments/:paymentKey/checkout", (c) => {
    const payment = toss.findPayment(c.params.paymentKey);
    if (!payment) return sendHtml(c.res, 404, messagePage("결제를 찾을 수 없습니다", "존재하지 않는 결제 정보 입니다.", "ko"));
    if (payment.status !== "READY") {
      return sendHtml(
        c.res,
        410,
        messagePage(
          "결제창을 사용할 수 없습니다",
          `이 결제는 이미 처리되었거나 만료되었습니다 (status ${String(payment.status)}).`,
          "ko",
          shopHome(toss.shopReturnUrl(c.params.paymentKey)),
        ),
      );
    }
    sendHtml(
      c.res,
      200,
      tossWindowPage({
        paymentKey: payment.paymentKey as string,
        orderName: payment.orderName as string,
        amount: payment.totalAmount as number,
      }),
    );
  });
  const windowAction = (action: "approve" | "decline" | "cancel") => (c: RequestContext) => {
    const key = c.params.paymentKey;
    const result = action === "approve" ? toss.approve(key) : action === "decline" ? toss.decline(key) : toss.cancelWindow(key);
    if (result.ok) return redirect(c.res, result.redirectUrl);
    sendHtml(
      c.res,
      result.reason === "not_found" ? 404 : 409,
      messagePage("결제를 진행할 수 없습니다", result.message, "ko", shopHome(toss.shopReturnUrl(key))),
    );
  };
  router.on("POST", "/v1/payments/:paymentKey/checkout/approve", windowAction("approve"));
  router.on("POST", "/v1/payments/:paymentKey/checkout/decline", windowAction("decline"));
  router.on("POST", "/v1/payments/:paymentKey/checkout/cancel", windowAction("cancel"));
}
