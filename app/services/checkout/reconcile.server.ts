import { env } from "~/env.server";
import { checkoutSummaryForProvider } from "~/models/checkout-lookup.server";
import { claimCheckoutsToReconcile, releaseReconcileClaim } from "~/models/reconcile.server";
import { purgeEndedSessions } from "~/models/session.server";
import { endOpenCheckout, forProvider, refundDuplicateLines, settle, settleOutcome } from "~/services/checkout/settle.server";
import { paymentProvider } from "~/services/payments/index.server";

// Reconciliation: when the shop is unsure how a checkout stands (past its
// expiry, old with no webhook, or a Toss approval still to be confirmed),
// it asks the provider before deciding.
// Paid at the provider: settled. Still open past its expiry: ended at the
// provider, then EXPIRED here. A provider that cannot be asked leaves the
// checkout as it is for the next run. Refunds of lines paid twice that could
// not be made at settlement are retried here too.

export interface ReconcileCounts {
  checked: number;
  paid: number;
  expired: number;
  ended: number;
  waiting: number;
  unavailable: number;
  refunds: number;
}

/** At most this many checkouts per run, so one run stays short; the next run takes the rest. */
const MAX_PER_RUN = 1_000;
const BATCH = 100;
/**
 * A Toss approval whose confirm met a transient error is confirmed again once
 * it has not moved for this long, and again each time after: Toss lets an
 * approval be confirmed for 10 minutes only.
 */
const UNDER_WAY_AFTER_MS = 60_000;

type Verdict = "paid" | "expired" | "ended" | "waiting" | "unavailable";

async function reconcileOne(sessionId: string, now: Date): Promise<Verdict> {
  const checkout = await checkoutSummaryForProvider(sessionId);
  if (!checkout || checkout.status !== "PENDING") return "ended";
  const pastExpiry = checkout.expiresAt <= now;
  const reference = checkout.payment?.providerReference ?? null;
  const provider = paymentProvider(checkout.provider);

  // No provider page was ever recorded: there is nothing to ask about. Any
  // page a lost request opened carries this checkout's expiry.
  const outcome = reference ? await provider.lookup(forProvider(checkout)) : { kind: "open" as const };
  if (outcome.kind === "unavailable") return "unavailable";
  if (outcome.kind === "open") {
    if (!pastExpiry) return "waiting";
    const ended = await endOpenCheckout(sessionId, "EXPIRED");
    return ended === "ended" ? "expired" : ended === "settled" ? "paid" : ended === "gone" ? "ended" : "unavailable";
  }
  if (outcome.kind === "processing") {
    await settleOutcome(sessionId, forProvider(checkout), outcome);
    return "waiting";
  }
  const settled = await settle(sessionId, outcome);
  return settled?.status === "PAID" ? "paid" : settled?.status === "EXPIRED" ? "expired" : "ended";
}

/** One pass over every checkout due for a look; safe on several servers at once. */
export async function reconcileCheckouts(now = new Date()): Promise<ReconcileCounts> {
  const settings = env();
  const counts: ReconcileCounts = { checked: 0, paid: 0, expired: 0, ended: 0, waiting: 0, unavailable: 0, refunds: 0 };
  const staleBefore = new Date(now.getTime() - settings.RECONCILE_AFTER_MINUTES * 60_000);
  // A checkout looked at recently is left alone for a while, unless it has
  // passed its expiry since.
  const recheckBefore = new Date(now.getTime() - Math.max(settings.RECONCILE_INTERVAL_SECONDS, 60) * 5_000);
  const underWayBefore = new Date(now.getTime() - UNDER_WAY_AFTER_MS);
  const askAgain: string[] = [];
  while (counts.checked < MAX_PER_RUN) {
    const ids = await claimCheckoutsToReconcile({ now, staleBefore, recheckBefore, underWayBefore, batch: BATCH });
    if (ids.length === 0) break;
    for (const id of ids) {
      counts.checked += 1;
      const verdict = await reconcileOne(id, now);
      counts[verdict] += 1;
      if (verdict === "unavailable") askAgain.push(id);
    }
  }
  // The provider could not be asked: due again on the next run (not this one).
  for (const id of askAgain) await releaseReconcileClaim(id);
  counts.refunds = (await refundDuplicateLines({ limit: BATCH })).refunded;
  return counts;
}

/** The periodic job: reconcile checkouts, then delete login sessions that have ended. */
export async function runHousekeeping(now = new Date()): Promise<ReconcileCounts & { sessionsEnded: number }> {
  const counts = await reconcileCheckouts(now);
  return { ...counts, sessionsEnded: await purgeEndedSessions(now) };
}

const globalForJob = globalThis as typeof globalThis & { __reconcileJob?: NodeJS.Timeout };

/** Runs the housekeeping every RECONCILE_INTERVAL_SECONDS inside this server process (0: never). */
export function startReconcileJob(): void {
  const seconds = env().RECONCILE_INTERVAL_SECONDS;
  if (seconds === 0 || globalForJob.__reconcileJob) return;
  let running = false;
  globalForJob.__reconcileJob = setInterval(() => {
    if (running) return;
    running = true;
    runHousekeeping()
      // One line per run, with its counts (zeros too: a quiet run shows the job is alive).
      .then((counts) => console.log(JSON.stringify({ event: "checkouts_reconciled", ...counts })))
      .catch((error: unknown) => {
        console.error(JSON.stringify({ event: "reconcile_failed", message: error instanceof Error ? error.message : String(error) }));
      })
      .finally(() => {
        running = false;
      });
  }, seconds * 1000);
  globalForJob.__reconcileJob.unref();
}
