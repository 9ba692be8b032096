import { randomUUID } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
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
  label: string;
  connection: SqlConnection;
  drop(): Promise<void>;
}

/**
 * Empty databases for tests that need a blank slate (migrations, drift): always
 * an in-memory PGlite, and a temporary database on the PostgreSQL server when
 * DATABASE_URL is set.
 */
export async function scratchDatabases(): Promise<ScratchDatabase[]> {
  const pglite = new PGlite("memory://");
  const scratches: ScratchDatabase[] = [
    {
      label: "PGlite",
      connection: pgliteConnection(pglite, { owned: true }),
      drop: () => pglite.close(),
    },
  ];
  const backend = databaseBackend();
  if (backend.kind === "postgres") {
    const name = `scratch_${randomUUID().replace(/-/g, "")}`;
    const admin = await postgresConnection(backend.url);
    await admin.exec(`CREATE DATABASE ${name}`);
    const url = new URL(backend.url);
    url.pathname = `/${name}`;
    const connection = await postgresConnection(url.toString());
    scratches.push({
      label: "PostgreSQL",
      connection,
      async drop() {
        await connection.close();
        await admin.exec(`DROP DATABASE IF EXISTS ${name}`);
        await admin.close();
      },
    });
  }
  return scratches;
}
