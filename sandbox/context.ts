import type { Clock } from "./clock.ts";
import type { FaultBook, Provider } from "./faults.ts";
import type { OutgoingEvent, WebhookDispatcher } from "./webhooks.ts";

/** What the provider modules share: settings, the clock, faults, webhooks, timers. */
export interface SandboxContext {
  publicUrl: string;
  stripeSecretKey: string;
  stripeApiVersion: string;
  tossSecretKey: string;
  tossClientKey: string;
  clock: Clock;
  faults: FaultBook;
  webhooks: WebhookDispatcher;
  timers: TimerSet;
}

/** Timers the sandbox owns, cancelled together on reset and close. */
export class TimerSet {
  private timers = new Set<NodeJS.Timeout>();

  after(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
  }

  clear(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

/** Applies the webhook faults aimed at this event, then hands it to the dispatcher. */
export function emitWithFaults(ctx: SandboxContext, event: OutgoingEvent, targets: string[], extraDelayMs = 0): void {
  const provider: Provider = event.provider;
  const drop = ctx.faults.take("webhook_drop", provider, targets);
  const delay = ctx.faults.take("webhook_delay", provider, targets);
  const duplicate = ctx.faults.take("webhook_duplicate", provider, targets);
  ctx.webhooks.send(event, {
    drop: Boolean(drop),
    delayMs: (delay?.ms ?? 0) + extraDelayMs,
    copies: duplicate?.count ?? 1,
  });
}
