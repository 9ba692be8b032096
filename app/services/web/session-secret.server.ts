import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { env } from "~/env.server";

// What signs the session and CSRF cookies. Production requires SESSION_SECRET.
// Elsewhere, without one, a random secret is made once and kept in the data
// folder (readable by its owner only), so it is never a value committed to
// the repository, and every server started from this folder shares it.

const DEVELOPMENT_SECRET_FILE = path.resolve(".data", "session-secret");

let cached: string | undefined;

/** The secret kept in `file`, made (random, owner-only) when there is none yet. */
export function secretKeptIn(file: string): string {
  try {
    const existing = fs.readFileSync(file, "utf8").trim();
    if (existing.length >= 32) return existing;
  } catch {
    // Not made yet.
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const draft = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
  fs.writeFileSync(draft, randomBytes(48).toString("base64url"), { mode: 0o600 });
  try {
    // Atomic, and refused if another process got there first: then theirs is the secret.
    fs.linkSync(draft, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    fs.rmSync(draft, { force: true });
  }
  return fs.readFileSync(file, "utf8").trim();
}

export function sessionSecret(): string {
  cached ??= env().SESSION_SECRET ?? secretKeptIn(DEVELOPMENT_SECRET_FILE);
  return cached;
}
