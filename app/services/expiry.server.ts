import { env } from "~/env.server";
import { expireStaleCheckouts } from "~/models/checkout.server";

/** Expires every PENDING checkout past its time; safe to run on several servers at once. */
export async function expireStaleSessions(now = new Date()): Promise<number> {
  let total = 0;
  for (;;) {
    const expired = await expireStaleCheckouts(now);
    total += expired.length;
    if (expired.length === 0) return total;
  }
}

const globalForJob = globalThis as typeof globalThis & { __expiryJob?: NodeJS.Timeout };

/** Runs the expiry every EXPIRY_JOB_INTERVAL_SECONDS inside this server process. */
export function startExpiryJob(): void {
  const seconds = env().EXPIRY_JOB_INTERVAL_SECONDS;
  if (seconds === 0 || globalForJob.__expiryJob) return;
  globalForJob.__expiryJob = setInterval(() => {
    expireStaleSessions()
      .then((count) => {
        if (count > 0) console.log(JSON.stringify({ event: "checkouts_expired", count }));
      })
      .catch((error: unknown) => {
        console.error(JSON.stringify({ event: "expiry_job_failed", message: error instanceof Error ? error.message : String(error) }));
      });
  }, seconds * 1000);
  globalForJob.__expiryJob.unref();
}
