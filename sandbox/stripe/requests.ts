import type { IncomingMessage } from "node:http";
import type { SandboxContext } from "../context.ts";
import { type RequestContext, randomId, sendJson, sleep } from "../http.ts";
import { StripeApiError } from "./errors.ts";
import { headerValue, safeEqual } from "./params.ts";

// The envelope of every Stripe API request: the secret key, the
// Idempotency-Key (replayed answers, a key in use, a key reused with other
// parameters), the latency and events-first faults, and errors in Stripe's shape.

/** How long an `events_first` answer waits for its webhooks at most. */
const EVENTS_FIRST_WAIT_MS = 10_000;

export interface StripeAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

interface IdempotentResult {
  route: string;
  params: string;
  status: number;
  body: unknown;
}

export class StripeRequests {
  private idempotency = new Map<string, IdempotentResult>();
  /** Keys whose first request is still running: a second one answers 409. */
  private keysInFlight = new Set<string>();

  constructor(private ctx: SandboxContext) {}

  reset(): void {
    this.idempotency.clear();
    this.keysInFlight.clear();
  }

  async answer(c: RequestContext, canonicalParams: string, run: () => Promise<StripeAnswer>) {
    const requestId = randomId("req_", 14);
    const baseHeaders = { "Request-Id": requestId, "Stripe-Version": this.ctx.stripeApiVersion };
    try {
      this.authenticate(c.req);
      const key = c.req.method === "POST" ? headerValue(c.req, "idempotency-key") : undefined;
      const route = `${c.req.method} ${c.url.pathname}`;
      const canonical = canonicalParams;
      if (key) {
        const previous = this.idempotency.get(key);
        if (previous) {
          if (previous.route !== route || previous.params !== canonical) {
            throw new StripeApiError(
              400,
              "idempotency_error",
              `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
            );
          }
          return sendJson(c.res, previous.status, previous.body, {
            ...baseHeaders,
            "Idempotency-Key": key,
            "Idempotent-Replayed": "true",
          });
        }
        // Stripe answers a request whose key another request is still using
        // with 409 and saves nothing for it (https://docs.stripe.com/api/idempotent_requests).
        if (this.keysInFlight.has(key)) {
          throw new StripeApiError(
            409,
            "invalid_request_error",
            `There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): ${key}. Please try again later.`,
            "idempotency_key_in_use",
          );
        }
        this.keysInFlight.add(key);
      }
      let result: StripeAnswer;
      try {
        const latency = this.ctx.faults.take("latency", "stripe", []);
        if (latency) await sleep(latency.ms);
        const eventsFirst = this.ctx.faults.take("events_first", "stripe", []);
        result = await run();
        if (eventsFirst) await this.ctx.webhooks.answered(EVENTS_FIRST_WAIT_MS);
      } catch (error) {
        // Stripe stores the outcome once the endpoint ran, 500s included; not validation errors.
        if (key && error instanceof StripeApiError && error.status >= 500) {
          this.idempotency.set(key, { route, params: canonical, status: error.status, body: error.toBody() });
        }
        throw error;
      } finally {
        if (key) this.keysInFlight.delete(key);
      }
      if (result.status === 0 || c.res.destroyed) return;
      if (key) this.idempotency.set(key, { route, params: canonical, status: result.status, body: result.body });
      sendJson(c.res, result.status, result.body, {
        ...baseHeaders,
        ...(key ? { "Idempotency-Key": key } : {}),
        ...result.headers,
      });
    } catch (error) {
      if (c.res.destroyed) return;
      if (error instanceof StripeApiError) {
        const extra: Record<string, string> = error.status >= 500 ? { "Stripe-Should-Retry": "false" } : {};
        return sendJson(c.res, error.status, error.toBody(), { ...baseHeaders, ...extra });
      }
      throw error;
    }
  }

  private authenticate(req: IncomingMessage): void {
    const header = headerValue(req, "authorization") ?? "";
    let key: string | undefined;
    if (header.startsWith("Bearer ")) key = header.slice(7).trim();
    else if (header.startsWith("Basic ")) key = Buffer.from(header.slice(6), "base64").toString().split(":")[0];
    if (!key) {
      throw new StripeApiError(
        401,
        "invalid_request_error",
        "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
      );
    }
    if (!safeEqual(key, this.ctx.stripeSecretKey)) {
      const masked = `${key.slice(0, 8)}${"*".repeat(Math.max(0, key.length - 12))}${key.slice(-4)}`;
      throw new StripeApiError(401, "invalid_request_error", `Invalid API Key provided: ${masked}`);
    }
  }
}
