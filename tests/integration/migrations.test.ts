import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_MIGRATIONS_DIR, migrate, readMigrations } from "../../scripts/lib/migrations";
import { blankDatabases, type BlankDatabase } from "../support/database";

function migrationsCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "migrations-"));
  fs.cpSync(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

function addMigration(dir: string, name: string, sql: string) {
  fs.mkdirSync(path.join(dir, name));
  fs.writeFileSync(path.join(dir, name, "migration.sql"), sql);
}

const databases = await blankDatabases();
const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

describe.each(databases.map((db) => [db.label, db] as [string, BlankDatabase]))("the migration runner on %s", (_label, scratch) => {
  const { connection } = scratch;

  it("applies every migration once and records it as Prisma does", async () => {
    const dir = migrationsCopy();
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    await connection.exec(`DROP SCHEMA public CASCADE; CREATE SCHEMA public;`);

    const first = await migrate(connection, { dir });
    expect(first.applied).toEqual(readMigrations(dir).map((m) => m.name));

    const rows = await connection.query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
      `SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    const [init] = readMigrations(dir);
    const sha = createHash("sha256").update(fs.readFileSync(path.join(dir, init.name, "migration.sql"))).digest("hex");
    expect(rows[0]).toMatchObject({ migration_name: init.name, checksum: sha, applied_steps_count: 1 });
    expect(rows[0].finished_at).not.toBeNull();

    const second = await migrate(connection, { dir });
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toEqual(first.applied);
  });

  it("applies a new migration after the applied ones", async () => {
    const dir = migrationsCopy();
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    await connection.exec(`DROP SCHEMA public CASCADE; CREATE SCHEMA public;`);
    await migrate(connection, { dir });
    addMigration(dir, "29990101000000_add_note", `ALTER TABLE "users" ADD COLUMN "note" TEXT;`);

    const report = await migrate(connection, { dir });
    expect(report.applied).toEqual(["29990101000000_add_note"]);
    const columns = await connection.query(
      `SELECT 1 FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'note'`,
    );
    expect(columns).toHaveLength(1);
  });

  it("refuses to run when an applied migration's file has changed, naming it", async () => {
    const dir = migrationsCopy();
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    await connection.exec(`DROP SCHEMA public CASCADE; CREATE SCHEMA public;`);
    await migrate(connection, { dir });
    const [init] = readMigrations(dir);
    fs.appendFileSync(path.join(dir, init.name, "migration.sql"), "\n-- edited after it was applied\n");
    addMigration(dir, "29990101000000_add_note", `ALTER TABLE "users" ADD COLUMN "note" TEXT;`);

    await expect(migrate(connection, { dir })).rejects.toThrow(
      new RegExp(`Migration ${init.name} was already applied, but its migration.sql has changed`),
    );
    const later = await connection.query(`SELECT 1 FROM "_prisma_migrations" WHERE migration_name = '29990101000000_add_note'`);
    expect(later).toHaveLength(0);
  });

  it("rolls back a failing migration completely and does not record it", async () => {
    const dir = migrationsCopy();
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    await connection.exec(`DROP SCHEMA public CASCADE; CREATE SCHEMA public;`);
    await migrate(connection, { dir });
    addMigration(
      dir,
      "29990101000000_broken",
      `CREATE TABLE "half_done" ("id" INTEGER);\nALTER TABLE "no_such_table" ADD COLUMN "x" INTEGER;`,
    );

    await expect(migrate(connection, { dir })).rejects.toThrow(/Migration 29990101000000_broken failed and was rolled back/);
    expect(await connection.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'half_done'`)).toHaveLength(0);
    expect(await connection.query(`SELECT 1 FROM "_prisma_migrations" WHERE migration_name = '29990101000000_broken'`)).toHaveLength(0);
  });
});

afterAll(async () => {
  for (const db of databases) await db.drop();
});
import { afterAll } from "vitest";
