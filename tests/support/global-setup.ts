// Runs once before the vitest suites. Against a PostgreSQL server
// (DATABASE_URL set) the schema is migrated here; the embedded database is
// migrated inside each worker instead (see database.ts).
import { closeDatabase, openSqlConnection } from "~/db.server";
import { migrate } from "../../scripts/lib/migrations";

export default async function setup() {
  if (!process.env.DATABASE_URL) return;
  const connection = await openSqlConnection();
  try {
    await migrate(connection);
  } finally {
    await connection.close();
    await closeDatabase();
  }
}
