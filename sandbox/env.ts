import { z } from "zod";
import type { SandboxOptions } from "./server.ts";

const url = z.string().url().regex(/^https?:\/\//, "must be an http(s) URL");

const SandboxEnv = z.object({
  NODE_ENV: z.string().optional(),
  SANDBOX_PORT: z.coerce.number().int().min(0).max(65_535).default(4010),
  SANDBOX_HOST: z.string().min(1).default("127.0.0.1"),
  SANDBOX_URL: url.optional(),
  STRIPE_SECRET_KEY: z.string().min(1).default("sk_test_sandbox"),
  STRIPE_WEBHOOK_SECRET: z.string().min(1).default("whsec_sandbox"),
  TOSS_SECRET_KEY: z.string().min(1).default("test_sk_sandbox"),
  TOSS_CLIENT_KEY: z.string().min(1).default("test_ck_sandbox"),
  APP_URL: url.default("http://localhost:3000"),
  SANDBOX_STRIPE_WEBHOOK_URL: url.optional(),
  SANDBOX_TOSS_WEBHOOK_URL: url.optional(),
  // The api_version on Stripe events; default: the one the installed SDK (and the app) pins.
  SANDBOX_STRIPE_API_VERSION: z.string().regex(/^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/, "must look like 2026-10-28.endive").optional(),
});

export class SandboxEnvError extends Error {}

/** Reads the sandbox's settings from env; names the variable at fault when one is bad. */
export function readSandboxEnv(env: Record<string, string | undefined>): SandboxOptions {
  for (const name of ["NODE_ENV", "APP_ENV"] as const) {
    if (env[name] === "production") {
      throw new SandboxEnvError(
        `The payment sandbox refuses to start with ${name}=production: it fakes Stripe and TossPayments and must never take real payments.`,
      );
    }
  }
  // Empty strings count as unset, as in most .env files.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ""));
  const parsed = SandboxEnv.safeParse(cleaned);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new SandboxEnvError(`Invalid sandbox environment: ${problems.join("; ")}`);
  }
  const e = parsed.data;
  const appUrl = e.APP_URL.replace(/\/+$/, "");
  return {
    port: e.SANDBOX_PORT,
    host: e.SANDBOX_HOST,
    publicUrl: e.SANDBOX_URL ?? (e.SANDBOX_PORT === 0 ? undefined : `http://localhost:${e.SANDBOX_PORT}`),
    stripeSecretKey: e.STRIPE_SECRET_KEY,
    stripeWebhookSecret: e.STRIPE_WEBHOOK_SECRET,
    tossSecretKey: e.TOSS_SECRET_KEY,
    tossClientKey: e.TOSS_CLIENT_KEY,
    stripeWebhookUrl: e.SANDBOX_STRIPE_WEBHOOK_URL ?? `${appUrl}/webhooks/stripe`,
    tossWebhookUrl: e.SANDBOX_TOSS_WEBHOOK_URL ?? `${appUrl}/webhooks/toss`,
    stripeApiVersion: e.SANDBOX_STRIPE_API_VERSION,
  };
}
