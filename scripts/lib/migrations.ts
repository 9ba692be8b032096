import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { SqlConnection } from "~/db.server";

// Applies the SQL migrations in prisma/migrations without Prisma's schema
// engine, recording them in `_prisma_migrations` exactly as Prisma does (same
// table, same sha256 checksum), so `prisma migrate deploy` can take over on a
// machine where the engine is available.

export const DEFAULT_MIGRATIONS_DIR = path.resolve("prisma/migrations");

// Any fixed number works; every runner of this project takes the same lock, so
// two servers starting at once apply each migration once.
const MIGRATION_LOCK_ID = 72_707_369;

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MigrationError";
  }
}

export function readMigrations(dir = DEFAULT_MIGRATIONS_DIR): MigrationFile[] {
  if (!fs.existsSync(dir)) throw new MigrationError(`No migrations folder at ${dir}.`);
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .flatMap((name) => {
      const file = path.join(dir, name, "migration.sql");
      if (!fs.existsSync(file)) return [];
      const sql = fs.readFileSync(file, "utf8");
      return [{ name, sql, checksum: createHash("sha256").update(sql).digest("hex") }];
    });
}

const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

interface AppliedMigration {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

export interface MigrationReport {
  applied: string[];
  alreadyApplied: string[];
}

export async function migrate(
  connection: SqlConnection,
  { dir = DEFAULT_MIGRATIONS_DIR, log = (_line: string) => {} } = {},
): Promise<MigrationReport> {
  const migrations = readMigrations(dir);
  await connection.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_ID]);
  try {
    await connection.exec(CREATE_MIGRATIONS_TABLE);
    const rows = await connection.query<AppliedMigration>(
      `SELECT migration_name, checksum, finished_at, rolled_back_at
         FROM "_prisma_migrations" WHERE rolled_back_at IS NULL ORDER BY started_at`,
    );
    const applied = new Map(rows.map((row) => [row.migration_name, row]));

    for (const row of rows) {
      if (!row.finished_at) {
        throw new MigrationError(
          `Migration ${row.migration_name} was started but never finished. ` +
            `Inspect the database, then mark it rolled back (set rolled_back_at) before migrating again.`,
        );
      }
    }
    for (const migration of migrations) {
      const done = applied.get(migration.name);
      if (done && done.checksum !== migration.checksum) {
        throw new MigrationError(
          `Migration ${migration.name} was already applied, but its migration.sql has changed since ` +
            `(checksum ${done.checksum.slice(0, 12)}… in the database, ${migration.checksum.slice(0, 12)}… on disk). ` +
            `Restore the original file and put the change in a new migration.`,
        );
      }
    }

    const report: MigrationReport = { applied: [], alreadyApplied: [] };
    for (const migration of migrations) {
      if (applied.has(migration.name)) {
        report.alreadyApplied.push(migration.name);
        continue;
      }
      log(`Applying migration ${migration.name}`);
      await connection.exec("BEGIN");
      try {
        await connection.exec(migration.sql);
        await connection.query(
          `INSERT INTO "_prisma_migrations"
             (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
           VALUES ($1, $2, $3, now(), now(), 1)`,
          [randomUUID(), migration.checksum, migration.name],
        );
        await connection.exec("COMMIT");
      } catch (error) {
        await connection.exec("ROLLBACK");
        const reason = error instanceof Error ? error.message : String(error);
        throw new MigrationError(`Migration ${migration.name} failed and was rolled back: ${reason}`);
      }
      report.applied.push(migration.name);
    }
    return report;
  } finally {
    await connection.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_ID]);
  }
}
