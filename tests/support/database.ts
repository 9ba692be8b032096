import { randomUUID } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import {
  closeDatabase,
  databaseBackend,
  openSqlConnection,
  pgliteConnection,
  postgresConnection,
  type SqlConnection,
} from "~/db.server";
import { migrate } from "../../scripts/lib/migrations";

let migrated: Promise<void> | undefined;

/** The shared test database, migrated. Call in beforeAll of every file that writes. */
export function prepareDatabase(): Promise<void> {
  migrated ??= (async () => {
    const connection = await openSqlConnection();
    try {
      await migrate(connection);
    } finally {
      await connection.close();
    }
  })();
  return migrated;
}

export async function releaseDatabase(): Promise<void> {
  migrated = undefined;
  await closeDatabase();
}

export interface ScratchDatabase {
  name: string;
  url: string;
  /** Drops the database, ending any connection still open to it. */
  drop(): Promise<void>;
}

async function asAdmin(serverUrl: string, sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/** An empty database named `<prefix>_<random>` on the PostgreSQL server of `serverUrl`. */
export async function createScratchDatabase(serverUrl: string, prefix: string): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomUUID().replace(/-/g, "").slice(0, 16)}`;
  await asAdmin(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => asAdmin(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/**
 * A scratch database next to DATABASE_URL's, which this process's
 * DATABASE_URL then names: the servers of one test file share it, and nothing
 * run against the test database is disturbed. Call before anything reads the
 * environment; then `prepareDatabase()` migrates it.
 */
export async function useScratchDatabase(label: string): Promise<ScratchDatabase> {
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error("This suite needs DATABASE_URL (a PostgreSQL server).");
  const scratch = await createScratchDatabase(base, `reliability_${label}`);
  process.env.DATABASE_URL = scratch.url;
  return scratch;
}

export interface BlankDatabase {
  label: string;
  connection: SqlConnection;
  drop(): Promise<void>;
}

/** An empty in-memory PGlite. */
export function blankPglite(): BlankDatabase {
  const pglite = new PGlite("memory://");
  return { label: "PGlite", connection: pgliteConnection(pglite, { owned: true }), drop: () => pglite.close() };
}

/**
 * Empty databases for tests that need a blank slate (migrations): always an
 * in-memory PGlite, and a scratch database on the PostgreSQL server when
 * DATABASE_URL is set.
 */
export async function blankDatabases(): Promise<BlankDatabase[]> {
  const blanks = [blankPglite()];
  const backend = databaseBackend();
  if (backend.kind === "postgres") {
    const scratch = await createScratchDatabase(backend.url, "scratch");
    const connection = await postgresConnection(scratch.url);
    blanks.push({
      label: "PostgreSQL",
      connection,
      async drop() {
        await connection.close();
        await scratch.drop();
      },
    });
  }
  return blanks;
}
