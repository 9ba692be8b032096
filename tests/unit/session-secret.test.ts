import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { secretKeptIn } from "~/services/web/session-secret.server";

// Without SESSION_SECRET (outside production) the cookies are signed with a
// random secret made once and kept in the data folder, readable by its owner only.

const folder = fs.mkdtempSync(path.join(os.tmpdir(), "session-secret-"));
afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));

describe("the development session secret", () => {
  it("is made once, long and random, in a file only its owner can read", () => {
    const file = path.join(folder, "nested", "session-secret");
    const secret = secretKeptIn(file);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(secretKeptIn(file)).toBe(secret);
    expect(fs.readdirSync(path.dirname(file))).toEqual(["session-secret"]);
  });

  it("differs from one data folder to another", () => {
    expect(secretKeptIn(path.join(folder, "a"))).not.toBe(secretKeptIn(path.join(folder, "b")));
  });

  it("uses the secret another server already kept there", () => {
    const file = path.join(folder, "kept");
    fs.writeFileSync(file, `${"k".repeat(64)}\n`, { mode: 0o600 });
    expect(secretKeptIn(file)).toBe("k".repeat(64));
  });
});
