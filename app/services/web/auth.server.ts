import { redirect } from "@remix-run/node";
import bcrypt from "bcryptjs";
import { z } from "zod";
import { env } from "~/env.server";
import { clearHits } from "~/models/rate-limit.server";
import { deleteLoginSessionsOfUser } from "~/models/session.server";
import { createUser, EmailTakenError, findUserWithPasswordByEmail, type PublicUser } from "~/models/user.server";
import { clientAddress } from "~/services/web/client-address.server";
import { freshCsrfToken } from "~/services/web/csrf.server";
import { hit } from "~/services/web/rate-limit.server";
import { endLoginSession, loginSessionOf, startLoginSession } from "~/services/web/session.server";

export type { PublicUser };

const BCRYPT_COST = 10;

const email = z
  .string({ required_error: "Enter your email address." })
  .trim()
  .toLowerCase()
  .max(254, "That email address is too long.")
  .email("Enter a valid email address, like name@example.com.");

/** bcrypt reads no more of a password than this: two passwords sharing their first 72 bytes would match. */
const PASSWORD_MAX_BYTES = 72;
const withinBcrypt = (password: string) => new TextEncoder().encode(password).length <= PASSWORD_MAX_BYTES;

export const SignUpForm = z.object({
  email,
  password: z
    .string({ required_error: "Choose a password." })
    .min(8, "Use a password of at least 8 characters.")
    .refine(withinBcrypt, `Use a password of at most ${PASSWORD_MAX_BYTES} bytes (72 letters of English, about 24 of Korean).`),
  displayName: z
    .string({ required_error: "Enter the name other people will see." })
    .trim()
    .min(1, "Enter the name other people will see.")
    .max(60, "Keep the display name under 60 characters."),
  redirectTo: z.string().optional(),
});

export const LogInForm = z.object({
  email,
  password: z
    .string({ required_error: "Enter your password." })
    .min(1, "Enter your password.")
    .refine(withinBcrypt, `Passwords here are at most ${PASSWORD_MAX_BYTES} bytes long: check the one you typed.`),
  redirectTo: z.string().optional(),
});

/**
 * Where a form may send the shopper afterwards: a path of this shop only.
 * Read against APP_URL; control characters and backslashes (which browsers
 * read as slashes) are refused, and anything else falls back to "/".
 */
export function safeRedirectTarget(to: FormDataEntryValue | string | null | undefined): string {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//")) return "/";
  if (/[\u0000-\u001f\u007f\\]/.test(to)) return "/";
  const app = new URL(env().APP_URL);
  let target: URL;
  try {
    target = new URL(to, app);
  } catch {
    return "/";
  }
  if (target.origin !== app.origin) return "/";
  return `${target.pathname}${target.search}${target.hash}`;
}

export async function getUser(request: Request): Promise<PublicUser | null> {
  return (await loginSessionOf(request))?.user ?? null;
}

/** The logged-in user, or a redirect to the login page that comes back to `returnTo`. */
export async function requireUser(request: Request, returnTo?: string): Promise<PublicUser> {
  const user = await getUser(request);
  if (user) return user;
  const url = new URL(request.url);
  const back = returnTo ?? (request.method === "GET" ? `${url.pathname}${url.search}` : url.pathname);
  throw redirect(`/login?${new URLSearchParams({ redirectTo: back })}`, 303);
}

/**
 * A new login session (a new id, a new CSRF token) replacing any the browser
 * held, then on to `redirectTo` if it is a path of this shop, else home.
 */
export async function startSession(request: Request, userId: string, redirectTo: string | undefined): Promise<Response> {
  const headers = new Headers();
  if (await loginSessionOf(request)) headers.append("Set-Cookie", await endLoginSession(request));
  const [csrfToken, csrfCookie] = await freshCsrfToken();
  headers.append("Set-Cookie", await startLoginSession(userId, csrfToken));
  if (csrfCookie) headers.append("Set-Cookie", csrfCookie);
  return redirect(safeRedirectTarget(redirectTo), { status: 303, headers });
}

/** Deletes the login session; the visitor's forms get a new CSRF token too. */
export async function endSession(request: Request): Promise<Response> {
  const headers = new Headers({ "Set-Cookie": await endLoginSession(request) });
  const [, csrfCookie] = await freshCsrfToken();
  if (csrfCookie) headers.append("Set-Cookie", csrfCookie);
  return redirect("/", { status: 303, headers });
}

/** "Log out everywhere": every session of the user, on every device, ends. */
export async function endEverySession(request: Request, user: PublicUser): Promise<Response> {
  await deleteLoginSessionsOfUser(user.id);
  return endSession(request);
}

export type SignUpResult =
  | { ok: true; user: PublicUser }
  | { ok: false; field: "email"; message: string }
  | { ok: false; field: "form"; message: string; retryAfterSeconds: number };

/** Sign-ups per client address (or, with no address known, for the whole shop) per window. */
export const SIGNUPS = { perAddress: 5, withoutAddress: 200, windowMs: 10 * 60_000 };

export async function signUp(request: Request, input: z.infer<typeof SignUpForm>): Promise<SignUpResult> {
  const address = clientAddress(request);
  const limit = await hit(
    address ? { [`signup:address:${address}`]: SIGNUPS.perAddress } : { "signup:unknown-address": SIGNUPS.withoutAddress },
    SIGNUPS.windowMs,
  );
  if (limit.limited) {
    return {
      ok: false,
      field: "form",
      retryAfterSeconds: limit.retryAfterSeconds,
      message: `Too many accounts were created from here just now. Try again in ${Math.ceil(limit.retryAfterSeconds / 60)} minutes.`,
    };
  }
  const passwordHash = await bcrypt.hash(input.password, BCRYPT_COST);
  try {
    const user = await createUser({ email: input.email, displayName: input.displayName, passwordHash });
    return { ok: true, user };
  } catch (error) {
    if (error instanceof EmailTakenError) {
      return { ok: false, field: "email", message: "An account with this email already exists. Log in instead." };
    }
    throw error;
  }
}

export type LogInResult =
  | { ok: true; user: PublicUser }
  | { ok: false; status: 401; message: string }
  | { ok: false; status: 429; message: string; retryAfterSeconds: number };

const WRONG_CREDENTIALS = "That email and password do not match an account. Check both and try again.";
// Compared against when the email is unknown, so both cases take as long.
const DUMMY_HASH = bcrypt.hashSync("not-a-real-password", BCRYPT_COST);

/**
 * Login attempts per minute: strict for one email from one address, looser
 * for one email from anywhere, so that someone elsewhere cannot lock the
 * owner out with a few wrong passwords. With no client address known
 * (TRUST_PROXY_HOPS=0), only the per-email limit applies.
 */
export const LOGIN_ATTEMPTS = { perEmailAndAddress: 10, perEmail: 50, windowMs: 60_000 };

function tooMany(retryAfterSeconds: number): LogInResult {
  return {
    ok: false,
    status: 429,
    retryAfterSeconds,
    message: `Too many login attempts. Try again in ${retryAfterSeconds} seconds.`,
  };
}

export async function logIn(request: Request, input: z.infer<typeof LogInForm>): Promise<LogInResult> {
  const address = clientAddress(request);
  const pair = address ? `login:email-address:${input.email}|${address}` : null;
  const limits: Record<string, number> = { [`login:email:${input.email}`]: LOGIN_ATTEMPTS.perEmail };
  if (pair) limits[pair] = LOGIN_ATTEMPTS.perEmailAndAddress;
  // Counted before the password is checked, in one statement shared by every
  // server: no more checks than the limit can ever run, however many arrive at once.
  const limit = await hit(limits, LOGIN_ATTEMPTS.windowMs);
  if (limit.limited) {
    console.warn(JSON.stringify({ event: "login_limited" }));
    return tooMany(limit.retryAfterSeconds);
  }
  const user = await findUserWithPasswordByEmail(input.email);
  const matches = await bcrypt.compare(input.password, user?.passwordHash ?? DUMMY_HASH);
  console.log(JSON.stringify({ event: "password_checked", matched: Boolean(user && matches) }));
  if (!user || !matches) return { ok: false, status: 401, message: WRONG_CREDENTIALS };
  if (pair) await clearHits(pair);
  const { passwordHash: _hash, ...publicUser } = user;
  return { ok: true, user: publicUser };
}

/** For the login and signup pages: someone already logged in goes where they were headed. */
export async function redirectIfLoggedIn(request: Request): Promise<null> {
  if (await getUser(request)) throw redirect(safeRedirectTarget(new URL(request.url).searchParams.get("redirectTo")));
  return null;
}
