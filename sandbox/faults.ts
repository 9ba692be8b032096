import { z } from "zod";
import { CONFIRM_ERROR_CODES } from "./toss-codes.ts";

const provider = z.enum(["stripe", "toss"]);
const common = {
  /** Stripe Checkout Session id, Toss orderId or paymentKey; omitted = the next matching call. */
  target: z.string().min(1).optional(),
  /** How many times the fault fires; default 1 without a target, unlimited with one. */
  times: z.number().int().positive().optional(),
};

export const FaultSchema = z.discriminatedUnion("kind", [
  // 5xx: the provider failed (it may have run the request); 4xx: it refused the parameters.
  z.object({ kind: z.literal("create_error"), provider, status: z.number().int().min(400).max(599).default(500), ...common }),
  // Every API request of the provider answers `ms` later (until cleared, unless `times` is given).
  z.object({ kind: z.literal("latency"), provider, ms: z.number().int().positive().max(60_000), ...common }),
  // The next API request answers only once the webhooks it caused have been answered: the
  // provider's event reaches the shop before the answer to the request that caused it.
  z.object({ kind: z.literal("events_first"), provider: z.literal("stripe").default("stripe"), ...common }),
  z.object({ kind: z.literal("create_hang"), provider, ms: z.number().int().positive().max(600_000).default(60_000), ...common }),
  z.object({ kind: z.literal("create_slow"), provider, ms: z.number().int().positive().max(600_000), ...common }),
  z.object({ kind: z.literal("payment_declined"), provider, ...common }),
  z.object({ kind: z.literal("webhook_delay"), provider, ms: z.number().int().positive().max(600_000), ...common }),
  z.object({ kind: z.literal("webhook_duplicate"), provider, count: z.number().int().min(2).max(20), ...common }),
  z.object({ kind: z.literal("webhook_out_of_order"), provider, gapMs: z.number().int().nonnegative().max(60_000).default(100), ...common }),
  z.object({ kind: z.literal("webhook_drop"), provider, ...common }),
  z.object({
    kind: z.literal("amount_mismatch"),
    provider,
    /** The amount the provider reports; default: the requested amount + delta. */
    amount: z.number().int().positive().optional(),
    delta: z.number().int().default(100),
    ...common,
  }),
  // The stand-in browser SDK script (GET /v1/sdk/payment) answers this status instead of the script.
  z.object({ kind: z.literal("sdk_script_error"), provider: z.literal("toss").default("toss"), status: z.number().int().min(400).max(599).default(500), ...common }),
  // The next confirm of the target order answers this documented code (a decline or a transient error).
  z.object({ kind: z.literal("confirm_error"), provider: z.literal("toss").default("toss"), code: z.enum(CONFIRM_ERROR_CODES), ...common }),
  // A refund (Stripe POST /v1/refunds; Toss POST /v1/payments/{paymentKey}/cancel) of the target
  // answers 500; with `applied`, the refund is made first and only the answer is lost.
  z.object({ kind: z.literal("refund_error"), provider, applied: z.boolean().default(false), ...common }),
  // A lookup of the target (GET /v1/payments/...) answers 500 FAILED_INTERNAL_SYSTEM_PROCESSING.
  z.object({ kind: z.literal("lookup_error"), provider: z.literal("toss").default("toss"), ...common }),
  z.object({
    kind: z.literal("async_payment"),
    provider: z.literal("stripe").default("stripe"),
    outcome: z.enum(["succeeded", "failed"]),
    delayMs: z.number().int().nonnegative().max(600_000).default(500),
    ...common,
  }),
]);

export type Fault = z.infer<typeof FaultSchema>;
export type FaultKind = Fault["kind"];
export type Provider = z.infer<typeof provider>;

export interface StoredFault {
  id: number;
  fault: Fault;
  remaining: number;
  fired: number;
}

/** Faults queued by tests; each call site asks for the first one that matches it. */
export class FaultBook {
  private faults: StoredFault[] = [];
  private nextId = 1;

  add(fault: Fault): StoredFault {
    const stored: StoredFault = {
      id: this.nextId++,
      fault,
      remaining: fault.times ?? (fault.target || fault.kind === "latency" ? Number.POSITIVE_INFINITY : 1),
      fired: 0,
    };
    this.faults.push(stored);
    return stored;
  }

  /** Consumes and returns the first matching fault, preferring one aimed at these targets. */
  take<K extends FaultKind>(
    kind: K,
    providerName: Provider,
    targets: Array<string | null | undefined>,
  ): Extract<Fault, { kind: K }> | undefined {
    const wanted = targets.filter((t): t is string => Boolean(t));
    const candidates = this.faults.filter(
      (s) => s.remaining > 0 && s.fault.kind === kind && s.fault.provider === providerName,
    );
    const found =
      candidates.find((s) => s.fault.target && wanted.includes(s.fault.target)) ??
      candidates.find((s) => !s.fault.target);
    if (!found) return undefined;
    found.remaining -= 1;
    found.fired += 1;
    return found.fault as Extract<Fault, { kind: K }>;
  }

  list() {
    return this.faults.map((s) => ({
      id: s.id,
      ...s.fault,
      remaining: Number.isFinite(s.remaining) ? s.remaining : "unlimited",
      fired: s.fired,
    }));
  }

  clear(): void {
    this.faults = [];
  }
}
