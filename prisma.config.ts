import { defineConfig } from "prisma/config";

// Prisma's CLI is used here only to generate the client: migrations are plain
// SQL applied by scripts/migrate.ts. DATABASE_URL is read where it is set so
// that `prisma migrate deploy` can take over on machines with the schema engine.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  ...(process.env.DATABASE_URL ? { datasource: { url: process.env.DATABASE_URL } } : {}),
});
