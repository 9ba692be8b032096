import { createCookieSessionStorage } from "@remix-run/node";
import { DEV_SESSION_SECRET, env, isProduction } from "~/env.server";

export interface SessionData {
  userId: string;
}

export interface SessionFlash {
  notice: string;
}

let storage: ReturnType<typeof createCookieSessionStorage<SessionData, SessionFlash>> | undefined;

/** The signed session cookie: who is logged in, and one-time notices. */
export function sessionStorage() {
  if (!storage) {
    const settings = env();
    storage = createCookieSessionStorage<SessionData, SessionFlash>({
      cookie: {
        name: "__session",
        httpOnly: true,
        sameSite: "lax",
        path: "/",
        secure: isProduction(settings),
        secrets: [settings.SESSION_SECRET ?? DEV_SESSION_SECRET],
        maxAge: 60 * 60 * 24 * 30,
      },
    });
  }
  return storage;
}

export async function getSession(request: Request) {
  return sessionStorage().getSession(request.headers.get("Cookie"));
}

/** A Set-Cookie header that shows `notice` once on the next page. */
export async function flashNotice(request: Request, notice: string): Promise<string> {
  const session = await getSession(request);
  session.flash("notice", notice);
  return sessionStorage().commitSession(session);
}
