import { z } from "zod";

// Every setting the server reads, validated once. A missing or malformed value
// stops the process with a message that names the variable.

const optionalUrl = z
  .string()
  .trim()
  .url()
  .optional()
  .or(z.literal("").transform(() => undefined));

const optionalString = z
  .string()
  .trim()
  .optional()
  .transform((value) => (value ? value : undefined));

const EnvSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    // Where the app runs, as opposed to how the server bundle is optimised:
    // `npm start` serves the production build locally with APP_ENV=development.
    // Unset, it follows NODE_ENV.
    APP_ENV: z.enum(["development", "production", "test"]).optional(),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    APP_URL: optionalUrl,
    DATABASE_URL: optionalString.pipe(
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// connection URL")
        .optional(),
    ),
    PGLITE_DATA_DIR: z.string().trim().min(1).default(".data/pglite"),
    SESSION_SECRET: optionalString.pipe(
      z.string().min(32, "must be at least 32 characters long").optional(),
    ),
    STORAGE_DIR: z.string().trim().min(1).default(".data/storage"),
    STRIPE_SECRET_KEY: optionalString,
    STRIPE_WEBHOOK_SECRET: optionalString,
    STRIPE_API_BASE: optionalUrl,
    TOSS_CLIENT_KEY: optionalString,
    TOSS_SECRET_KEY: optionalString,
    TOSS_API_BASE: optionalUrl,
    // Production reaches the providers only at their own https hosts unless this says otherwise.
    ALLOW_CUSTOM_PROVIDER_BASE: z
      .enum(["true", "false", ""])
      .optional()
      .transform((value) => value === "true"),
    // Where the browser loads TossPayments' SDK script (loadTossPayments' `src`).
    // Unset: Toss's CDN, or outside production with TOSS_API_BASE set, the
    // sandbox's stand-in at `${TOSS_API_BASE}/v1/sdk/payment`.
    TOSS_SDK_URL: optionalUrl,
    // Whether shoppers without JavaScript get TossPayments' window through
    // POST /v1/payments, an endpoint Toss's API reference does not document
    // (verify it with a test key before launch). Off: they are asked to turn
    // JavaScript on, since the documented window is opened by Toss's browser SDK.
    TOSS_SERVER_WINDOW: z
      .enum(["true", "false", "1", "0", ""])
      .optional()
      .transform((value) => value !== "false" && value !== "0"),
    SANDBOX_PORT: z.coerce.number().int().min(1).max(65535).default(4010),
    // How many proxies in front of the app append to X-Forwarded-For; the
    // client's address is the entry the outermost of them appended. 0: none
    // is trusted, and no client address is known.
    TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
    CHECKOUT_POSTS_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(30),
    CHECKOUT_POSTS_PER_MINUTE_PER_IP: z.coerce.number().int().min(1).max(1_000_000).default(300),
    PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(500).max(60_000).default(10_000),
    // How often each server runs reconciliation (0: never; `npm run jobs:reconcile` runs it once).
    RECONCILE_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
    // A PENDING checkout this old with no webhook is checked with its provider.
    RECONCILE_AFTER_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
    CHECKOUT_TTL_MINUTES: z.coerce
      .number()
      .int()
      .min(35, "must be at least 35 (Stripe needs 30 minutes from when its page opens; 5 are kept for retries)")
      .max(1440, "must be at most 1440 (24 hours)")
      .default(60),
  })
  .transform((env) => ({ ...env, APP_ENV: env.APP_ENV ?? env.NODE_ENV }))
  .superRefine((env, ctx) => {
    if (env.APP_ENV !== "production") return;
    if (!env.APP_URL) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["APP_URL"],
        message: "is required in production: every server sends the providers the same public origin",
      });
    }
    if (!env.DATABASE_URL) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["DATABASE_URL"],
        message: "is required in production (the embedded database is for development only)",
      });
    }
    if (env.TOSS_SDK_URL && !env.TOSS_SDK_URL.startsWith("https://")) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["TOSS_SDK_URL"],
        message: "must be an https:// URL in production (the browser runs this script on the payment page)",
      });
    }
    if (!env.SESSION_SECRET) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["SESSION_SECRET"],
        message: "is required in production",
      });
    }
    for (const name of ["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "TOSS_SECRET_KEY", "TOSS_CLIENT_KEY"] as const) {
      const value = env[name];
      if (!value) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [name], message: "is required in production" });
      } else if ((Object.values(SANDBOX_KEYS) as string[]).includes(value)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [name], message: "is the payment sandbox's key; production needs the provider's real key" });
      }
    }
    for (const name of ["STRIPE_API_BASE", "TOSS_API_BASE"] as const) {
      const value = env[name];
      if (!value) continue;
      if (isLocalAddress(value)) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: [name],
          message: "points at a local address (the payment sandbox?); production talks to the real provider, so leave it unset",
        });
      } else if (!env.ALLOW_CUSTOM_PROVIDER_BASE && !isProviderHost(value, PROVIDER_HOSTS[name])) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: [name],
          message: `must be https://${PROVIDER_HOSTS[name]} in production (or leave it unset); set ALLOW_CUSTOM_PROVIDER_BASE=true to use another https host on purpose`,
        });
      } else if (!value.startsWith("https://")) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [name], message: "must be an https:// URL in production" });
      }
    }
  });

/** Where production reaches each provider's API. */
const PROVIDER_HOSTS = { STRIPE_API_BASE: "api.stripe.com", TOSS_API_BASE: "api.tosspayments.com" } as const;

function isProviderHost(url: string, host: string): boolean {
  const parsed = new URL(url);
  return parsed.protocol === "https:" && parsed.hostname === host;
}

/** localhost, a loopback or unspecified address, in IPv4, IPv6 or IPv4-mapped IPv6 form. */
export function isLocalAddress(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, "").toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host)?.[1] ?? /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.exec(host)?.[0];
  return (
    host === "localhost" ||
    host.endsWith(".localhost") ||
    host === "::1" ||
    host === "::" ||
    host.startsWith("127.") ||
    host === "0.0.0.0" ||
    (mapped !== undefined && (mapped.startsWith("127.") || mapped.startsWith("0.") || mapped.startsWith("::ffff:7f")))
  );
}

export type Env = z.infer<typeof EnvSchema> & { APP_URL: string; TOSS_SDK_URL: string };

/** The script `@tosspayments/payment-sdk` loads when given no `src` (its SCRIPT_URL). */
export const TOSS_SDK_CDN_URL = "https://js.tosspayments.com/v1";
/** Where the payment sandbox serves its stand-in for that script. */
const SANDBOX_SDK_PATH = "/v1/sdk/payment";

export function isProduction(env: Pick<Env, "APP_ENV">): boolean {
  return env.APP_ENV === "production";
}

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "EnvError";
  }
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = EnvSchema.safeParse(source);
  if (!result.success) {
    throw new EnvError(
      result.error.issues.map((issue) => `${issue.path.join(".") || "environment"} ${issue.message}`),
    );
  }
  const env = result.data;
  // Outside production the provider keys default to the sandbox's, so a fresh
  // clone pays against `npm run sandbox` with no configuration.
  const sandboxKeys: Partial<typeof SANDBOX_KEYS> = env.APP_ENV === "production" ? {} : SANDBOX_KEYS;
  return {
    ...env,
    STRIPE_SECRET_KEY: env.STRIPE_SECRET_KEY ?? sandboxKeys.STRIPE_SECRET_KEY,
    STRIPE_WEBHOOK_SECRET: env.STRIPE_WEBHOOK_SECRET ?? sandboxKeys.STRIPE_WEBHOOK_SECRET,
    TOSS_SECRET_KEY: env.TOSS_SECRET_KEY ?? sandboxKeys.TOSS_SECRET_KEY,
    TOSS_CLIENT_KEY: env.TOSS_CLIENT_KEY ?? sandboxKeys.TOSS_CLIENT_KEY,
    TOSS_SDK_URL:
      env.TOSS_SDK_URL ??
      (env.APP_ENV !== "production" && env.TOSS_API_BASE
        ? `${env.TOSS_API_BASE.replace(/\/+$/, "")}${SANDBOX_SDK_PATH}`
        : TOSS_SDK_CDN_URL),
    APP_URL: (env.APP_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ""),
  };
}

let cached: Env | undefined;

export function env(): Env {
  if (!cached) {
    try {
      cached = parseEnv(process.env);
    } catch (error) {
      if (error instanceof EnvError) {
        console.error(error.message);
        process.exit(1);
      }
      throw error;
    }
  }
  return cached;
}

const SANDBOX_KEYS = {
  STRIPE_SECRET_KEY: "sk_test_sandbox",
  STRIPE_WEBHOOK_SECRET: "whsec_sandbox",
  TOSS_SECRET_KEY: "test_sk_sandbox",
  TOSS_CLIENT_KEY: "test_ck_sandbox",
} as const;
