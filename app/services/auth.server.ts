import { redirect } from "@remix-run/node";
import bcrypt from "bcryptjs";
import { getClientIPAddress } from "remix-utils/get-client-ip-address";
import { safeRedirect } from "remix-utils/safe-redirect";
import { z } from "zod";
import { createUser, EmailTakenError, findUserById, findUserWithPasswordByEmail, type PublicUser } from "~/models/user.server";
import { forget, hit, isLimited, type RateLimitRule } from "~/services/rate-limit.server";
import { getSession, sessionStorage } from "~/services/session.server";

export type { PublicUser };

const BCRYPT_COST = 10;
export const LOGIN_FAILURES: RateLimitRule = { limit: 10, windowMs: 60_000 };

const email = z
  .string({ required_error: "Enter your email address." })
  .trim()
  .toLowerCase()
  .max(254, "That email address is too long.")
  .email("Enter a valid email address, like name@example.com.");

export const SignUpForm = z.object({
  email,
  password: z
    .string({ required_error: "Choose a password." })
    .min(8, "Use a password of at least 8 characters.")
    .max(200, "Use a password of at most 200 characters."),
  displayName: z
    .string({ required_error: "Enter the name other people will see." })
    .trim()
    .min(1, "Enter the name other people will see.")
    .max(60, "Keep the display name under 60 characters."),
  redirectTo: z.string().optional(),
});

export const LogInForm = z.object({
  email,
  password: z.string({ required_error: "Enter your password." }).min(1, "Enter your password."),
  redirectTo: z.string().optional(),
});

export function safeRedirectTarget(to: FormDataEntryValue | string | null | undefined): string {
  return safeRedirect(typeof to === "string" ? to : undefined, "/");
}

export async function getUser(request: Request): Promise<PublicUser | null> {
  const session = await getSession(request);
  const userId = session.get("userId");
  if (!userId) return null;
  return findUserById(userId);
}

/** The logged-in user, or a redirect to the login page that comes back to `returnTo`. */
export async function requireUser(request: Request, returnTo?: string): Promise<PublicUser> {
  const user = await getUser(request);
  if (user) return user;
  const url = new URL(request.url);
  const back = returnTo ?? (request.method === "GET" ? `${url.pathname}${url.search}` : url.pathname);
  throw redirect(`/login?${new URLSearchParams({ redirectTo: back })}`, 303);
}

export async function startSession(request: Request, userId: string, redirectTo: string): Promise<Response> {
  const session = await getSession(request);
  session.set("userId", userId);
  return redirect(safeRedirectTarget(redirectTo), {
    status: 303,
    headers: { "Set-Cookie": await sessionStorage().commitSession(session) },
  });
}

export async function endSession(request: Request): Promise<Response> {
  const session = await getSession(request);
  return redirect("/", { status: 303, headers: { "Set-Cookie": await sessionStorage().destroySession(session) } });
}

export type SignUpResult = { ok: true; user: PublicUser } | { ok: false; field: "email"; message: string };

export async function signUp(input: z.infer<typeof SignUpForm>): Promise<SignUpResult> {
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

function loginKeys(request: Request, emailAddress: string): string[] {
  // Without a proxy header there is no client address to count; the per-email
  // limit still holds, and one shared "unknown" bucket would let anyone lock
  // everybody out.
  const ip = getClientIPAddress(request);
  return [`login:email:${emailAddress}`, ...(ip ? [`login:ip:${ip}`] : [])];
}

function tooMany(retryAfterSeconds: number): LogInResult {
  return {
    ok: false,
    status: 429,
    retryAfterSeconds,
    message: `Too many failed login attempts. Try again in ${retryAfterSeconds} seconds.`,
  };
}

export async function logIn(request: Request, input: z.infer<typeof LogInForm>): Promise<LogInResult> {
  const keys = loginKeys(request, input.email);
  const before = await isLimited(keys, LOGIN_FAILURES);
  if (before.limited) return tooMany(before.retryAfterSeconds);

  const user = await findUserWithPasswordByEmail(input.email);
  const matches = await bcrypt.compare(input.password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !matches) {
    const after = await hit(Object.fromEntries(keys.map((key) => [key, LOGIN_FAILURES.limit])), LOGIN_FAILURES.windowMs);
    if (after.limited) return tooMany(after.retryAfterSeconds);
    return { ok: false, status: 401, message: WRONG_CREDENTIALS };
  }
  await forget(keys[0]);
  const { passwordHash: _hash, ...publicUser } = user;
  return { ok: true, user: publicUser };
}

/** For the login and signup pages: someone already logged in goes where they were headed. */
export async function redirectIfLoggedIn(request: Request): Promise<null> {
  if (await getUser(request)) throw redirect(safeRedirectTarget(new URL(request.url).searchParams.get("redirectTo")));
  return null;
}
