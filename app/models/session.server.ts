import { randomBytes } from "node:crypto";
import { db } from "~/db.server";
import type { PublicUser } from "~/models/user.server";

// Login sessions kept in the database: the cookie holds only the random id,
// so a session can be revoked (logout, "log out everywhere") and expires here.

/** A session unused this long ends. */
export const SESSION_IDLE_MS = 7 * 24 * 60 * 60 * 1000;
/** A session ends this long after its login, however much it is used. */
export const SESSION_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;
/** How stale `last_seen_at` may get before a read moves it (and the idle expiry) on. */
const TOUCH_AFTER_SECONDS = 600;

export interface LoginSession {
  id: string;
  csrfToken: string;
  user: PublicUser;
}

/** A new session for `userId`: 256 random bits, idle and absolute expiry from now. */
export async function createLoginSession(userId: string, csrfToken: string): Promise<string> {
  const id = randomBytes(32).toString("base64url");
  const now = Date.now();
  await db().session.create({
    data: {
      id,
      userId,
      csrfToken,
      idleExpiresAt: new Date(now + SESSION_IDLE_MS),
      expiresAt: new Date(now + SESSION_LIFETIME_MS),
    },
    select: { id: true },
  });
  return id;
}

interface SessionRow {
  id: string;
  csrf_token: string;
  user_id: string;
  email: string;
  display_name: string;
  is_seller: boolean;
}

/**
 * The live session with its user, in one statement; a session last seen more
 * than ten minutes ago has its idle expiry moved on by the same statement.
 */
export async function readLoginSession(id: string): Promise<LoginSession | null> {
  const [row] = await db().$queryRaw<SessionRow[]>`
    WITH found AS (
      SELECT s.id, s.csrf_token, s.last_seen_at, u.id AS user_id, u.email, u.display_name, u.is_seller
        FROM sessions s JOIN users u ON u.id = s.user_id
       WHERE s.id = ${id} AND s.expires_at > now() AND s.idle_expires_at > now()
    ), touched AS (
      UPDATE sessions
         SET last_seen_at = now(), idle_expires_at = LEAST(now() + make_interval(secs => ${SESSION_IDLE_MS / 1000}), expires_at)
       WHERE id IN (SELECT id FROM found WHERE last_seen_at < now() - make_interval(secs => ${TOUCH_AFTER_SECONDS}))
    )
    SELECT id, csrf_token, user_id::text AS user_id, email, display_name, is_seller FROM found`;
  if (!row) return null;
  return {
    id: row.id,
    csrfToken: row.csrf_token,
    user: { id: row.user_id, email: row.email, displayName: row.display_name, isSeller: row.is_seller },
  };
}

export async function deleteLoginSession(id: string): Promise<void> {
  await db().session.deleteMany({ where: { id } });
}

/** Ends every session of the user, on every device. Returns how many there were. */
export async function deleteLoginSessionsOfUser(userId: string): Promise<number> {
  const { count } = await db().session.deleteMany({ where: { userId } });
  return count;
}

/** Deletes sessions that have ended (they are already refused when read). */
export async function purgeEndedSessions(now = new Date()): Promise<number> {
  const { count } = await db().session.deleteMany({ where: { OR: [{ expiresAt: { lte: now } }, { idleExpiresAt: { lte: now } }] } });
  return count;
}
