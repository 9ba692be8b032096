import { createCookie, createCookieSessionStorage, createSessionStorage } from "@remix-run/node";
import { env, isProduction } from "~/env.server";
import {
  createLoginSession,
  deleteLoginSession,
  readLoginSession,
  SESSION_LIFETIME_MS,
  type LoginSession,
} from "~/models/session.server";
import type { PublicUser } from "~/models/user.server";
import { sessionSecret } from "~/services/web/session-secret.server";

// Who is logged in: a session kept in the database (Remix's createSessionStorage
// over models/session.server.ts), whose cookie holds only the signed random id.
// One-time notices live in a cookie of their own, so a visitor who is not
// logged in never makes a database row.

export interface SessionData {
  userId: string;
  csrfToken: string;
  /** Filled by the read, which fetches the user with the session. */
  user: PublicUser;
}

export interface NoticeData {
  notice?: string;
}

/** The options every cookie of the shop's own shares (HttpOnly, SameSite=Lax, Secure in production). */
export const cookieDefaults = () => ({
  httpOnly: true,
  sameSite: "lax" as const,
  path: "/",
  secure: isProduction(env()),
});

let storage: ReturnType<typeof createSessionStorage<SessionData>> | undefined;
let notices: ReturnType<typeof createCookieSessionStorage<NoticeData, NoticeData>> | undefined;

function loginStorage() {
  storage ??= createSessionStorage<SessionData>({
    cookie: createCookie("__session", { ...cookieDefaults(), secrets: [sessionSecret()], maxAge: SESSION_LIFETIME_MS / 1000 }),
    async createData(data) {
      if (!data.userId || !data.csrfToken) throw new Error("A login session needs a user and a CSRF token.");
      return createLoginSession(data.userId, data.csrfToken);
    },
    async readData(id) {
      const session = await readLoginSession(id);
      return session ? { userId: session.user.id, csrfToken: session.csrfToken, user: session.user } : null;
    },
    // A login session never changes once made: a new login makes a new one.
    async updateData() {},
    async deleteData(id) {
      await deleteLoginSession(id);
    },
  });
  return storage;
}

function noticeStorage() {
  notices ??= createCookieSessionStorage<NoticeData, NoticeData>({
    cookie: createCookie("__notice", { ...cookieDefaults(), secrets: [sessionSecret()], maxAge: 60 }),
  });
  return notices;
}

const readLogins = new WeakMap<Request, Promise<LoginSession | null>>();

/** The request's live login session with its user, read once per request. */
export function loginSessionOf(request: Request): Promise<LoginSession | null> {
  let read = readLogins.get(request);
  if (!read) {
    read = loginStorage()
      .getSession(request.headers.get("Cookie"))
      .then((session) => {
        const user = session.get("user");
        const csrfToken = session.get("csrfToken");
        return session.id && user && csrfToken ? { id: session.id, csrfToken, user } : null;
      });
    readLogins.set(request, read);
  }
  return read;
}

/** A Set-Cookie header for a new login session of `userId` (a new id at every login). */
export async function startLoginSession(userId: string, csrfToken: string): Promise<string> {
  const session = await loginStorage().getSession();
  session.set("userId", userId);
  session.set("csrfToken", csrfToken);
  return loginStorage().commitSession(session);
}

/** Deletes the request's login session; returns the Set-Cookie header that clears its cookie. */
export async function endLoginSession(request: Request): Promise<string> {
  const session = await loginStorage().getSession(request.headers.get("Cookie"));
  return loginStorage().destroySession(session);
}

/** A Set-Cookie header that shows `notice` once on the next page. */
export async function flashNotice(request: Request, notice: string): Promise<string> {
  const session = await noticeStorage().getSession(request.headers.get("Cookie"));
  session.flash("notice", notice);
  return noticeStorage().commitSession(session);
}

/** The one-time notice for this page, and the Set-Cookie header that clears it (or nulls). */
export async function takeNotice(request: Request): Promise<{ notice: string | null; setCookie: string | null }> {
  const session = await noticeStorage().getSession(request.headers.get("Cookie"));
  const notice = session.get("notice") ?? null;
  return { notice, setCookie: notice ? await noticeStorage().commitSession(session) : null };
}

