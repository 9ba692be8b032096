// `npm run db:migrate`: applies pending SQL migrations to DATABASE_URL, or to
// the embedded database when it is unset. With --seed, seeds the catalog too
// (one process, so the embedded database starts once).
import { closeDatabase, databaseBackend, openSqlConnection } from "~/db.server";
import { MigrationError, migrate } from "./lib/migrations";

async function main() {
  const backend = databaseBackend();
  const where = backend.kind === "postgres" ? "PostgreSQL (DATABASE_URL)" : `embedded PGlite (${backend.dataDir})`;
  const connection = await openSqlConnection();
  try {
    const report = await migrate(connection, { log: (line) => console.log(line) });
    console.log(
      `Migrations on ${where}: ${report.applied.length} applied, ${report.alreadyApplied.length} already applied.`,
    );
  } finally {
    await connection.close();
  }
  if (process.argv.includes("--seed")) {
    const { seedCatalog } = await import("../prisma/seed.ts");
    await seedCatalog({ log: (line: string) => console.log(line) });
  }
}

main()
  .catch((error) => {
    console.error(error instanceof MigrationError ? error.message : error);
    process.exitCode = 1;
  })
  .finally(() => closeDatabase());
