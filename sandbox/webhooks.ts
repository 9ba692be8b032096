import { createHmac } from "node:crypto";
import type { Provider } from "./faults.ts";
import { randomId, sleep } from "./http.ts";

export interface DeliveryAttempt {
  attempt: number;
  at: string;
  status: number | null;
  error: string | null;
  responseBody: string | null;
}

export type DeliveryStatus = "scheduled" | "retrying" | "succeeded" | "failed" | "dropped" | "no_endpoint";

export interface Delivery {
  id: string;
  provider: Provider;
  eventId: string;
  eventType: string;
  /** The Checkout Session id or Toss orderId the event is about. */
  target: string;
  url: string | null;
  /** 1 for the original, 2..n for duplicates of the same event. */
  copy: number;
  status: DeliveryStatus;
  scheduledAt: string;
  attempts: DeliveryAttempt[];
  payload: unknown;
}

export interface OutgoingEvent {
  provider: Provider;
  eventId: string;
  eventType: string;
  target: string;
  payload: unknown;
}

export interface SendOptions {
  delayMs?: number;
  copies?: number;
  drop?: boolean;
}

export interface WebhookDispatcherOptions {
  stripeWebhookSecret: string;
  urlFor: (provider: Provider) => string | undefined;
  /** Waits before each retry; the number of entries bounds the retries. */
  retryDelaysMs: number[];
  requestTimeoutMs: number;
}

/** Stripe's scheme: HMAC-SHA256 over "<timestamp>.<payload>", hex, in `t=...,v1=...`. */
export function stripeSignatureHeader(payload: string, secret: string, timestamp: number): string {
  const signature = createHmac("sha256", secret).update(`${timestamp}.${payload}`, "utf8").digest("hex");
  return `t=${timestamp},v1=${signature}`;
}

/** Sends webhooks in the background, never on the request that caused them. */
export class WebhookDispatcher {
  private deliveries: Delivery[] = [];
  private timers = new Set<NodeJS.Timeout>();
  private inFlight = new Set<AbortController>();
  private generation = 0;

  constructor(private options: WebhookDispatcherOptions) {}

  send(event: OutgoingEvent, sendOptions: SendOptions = {}): Delivery[] {
    const copies = Math.max(1, sendOptions.copies ?? 1);
    const created: Delivery[] = [];
    for (let copy = 1; copy <= copies; copy++) {
      const url = this.options.urlFor(event.provider) ?? null;
      const delivery: Delivery = {
        id: randomId("whdel_"),
        provider: event.provider,
        eventId: event.eventId,
        eventType: event.eventType,
        target: event.target,
        url,
        copy,
        status: sendOptions.drop ? "dropped" : url ? "scheduled" : "no_endpoint",
        scheduledAt: new Date().toISOString(),
        attempts: [],
        payload: event.payload,
      };
      this.deliveries.push(delivery);
      created.push(delivery);
      if (delivery.status === "scheduled") {
        // Duplicates trail the original by a few ms so their order is stable.
        this.schedule(delivery, (sendOptions.delayMs ?? 0) + (copy - 1) * 5);
      }
    }
    return created;
  }

  list(filter: { provider?: string; target?: string; eventType?: string } = {}): Delivery[] {
    return this.deliveries.filter(
      (d) =>
        (!filter.provider || d.provider === filter.provider) &&
        (!filter.target || d.target === filter.target) &&
        (!filter.eventType || d.eventType === filter.eventType),
    );
  }

  /** True while any delivery waits for its first attempt or a retry. */
  busy(): boolean {
    return this.deliveries.some((d) => d.status === "scheduled" || d.status === "retrying");
  }

  /** Resolves once no delivery waits (or after `withinMs`, whichever comes first). */
  async answered(withinMs: number): Promise<void> {
    const deadline = Date.now() + withinMs;
    while (this.busy() && Date.now() < deadline) await sleep(10);
  }

  reset(): void {
    this.generation++;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const controller of this.inFlight) controller.abort();
    this.inFlight.clear();
    this.deliveries = [];
  }

  private schedule(delivery: Delivery, delayMs: number): void {
    const generation = this.generation;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (generation !== this.generation) return;
      void this.attempt(delivery, generation);
    }, delayMs);
    this.timers.add(timer);
  }

  private async attempt(delivery: Delivery, generation: number): Promise<void> {
    const body = JSON.stringify(delivery.payload, null, 2);
    const headers: Record<string, string> = { "Content-Type": "application/json; charset=utf-8" };
    if (delivery.provider === "stripe") {
      headers["User-Agent"] = "Stripe/1.0 (+https://stripe.com/docs/webhooks)";
      headers["Stripe-Signature"] = stripeSignatureHeader(
        body,
        this.options.stripeWebhookSecret,
        Math.floor(Date.now() / 1000),
      );
    } else {
      headers["User-Agent"] = "TossPayments-Webhook";
    }
    const record: DeliveryAttempt = {
      attempt: delivery.attempts.length + 1,
      at: new Date().toISOString(),
      status: null,
      error: null,
      responseBody: null,
    };
    delivery.attempts.push(record);
    const controller = new AbortController();
    this.inFlight.add(controller);
    const timeout = setTimeout(() => controller.abort(), this.options.requestTimeoutMs);
    try {
      const response = await fetch(delivery.url as string, {
        method: "POST",
        headers,
        body,
        signal: controller.signal,
        redirect: "manual",
      });
      record.status = response.status;
      record.responseBody = (await response.text()).slice(0, 500);
    } catch (error) {
      record.error = error instanceof Error ? error.message : String(error);
    } finally {
      clearTimeout(timeout);
      this.inFlight.delete(controller);
    }
    if (generation !== this.generation) return;
    if (record.status !== null && record.status >= 200 && record.status < 300) {
      delivery.status = "succeeded";
      return;
    }
    const retryIndex = delivery.attempts.length - 1;
    if (retryIndex < this.options.retryDelaysMs.length) {
      delivery.status = "retrying";
      this.schedule(delivery, this.options.retryDelaysMs[retryIndex]);
    } else {
      delivery.status = "failed";
    }
  }
}
