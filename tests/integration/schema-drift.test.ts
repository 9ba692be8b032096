import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqlConnection } from "~/db.server";
import { DEFAULT_MIGRATIONS_DIR, migrate } from "../../scripts/lib/migrations";
import { prepareDatabase, releaseDatabase, blankPglite } from "../support/database";
import { findSchemaDrift, loadDmmf } from "../support/schema-drift";

function copyMigrations(edit: (sql: string) => string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "drifted-migrations-"));
  fs.cpSync(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
  const [first] = fs.readdirSync(dir).filter((name) => fs.statSync(path.join(dir, name)).isDirectory()).sort();
  const file = path.join(dir, first, "migration.sql");
  const original = fs.readFileSync(file, "utf8");
  const edited = edit(original);
  if (edited === original) throw new Error("the edit did not change the migration");
  fs.writeFileSync(file, edited);
  return dir;
}

describe("schema.prisma and the migrated database", () => {
  beforeAll(prepareDatabase);
  afterAll(releaseDatabase);

  it("agree on every table, column, type, nullability, unique index and foreign key", async () => {
    const connection = await openSqlConnection();
    try {
      expect(await findSchemaDrift(connection, await loadDmmf())).toEqual([]);
    } finally {
      await connection.close();
    }
  });

  const drifts: Array<[string, (sql: string) => string, RegExp]> = [
    [
      "a column dropped from the SQL",
      (sql) => sql.replace(`    "summary" TEXT NOT NULL,\n`, ""),
      /products\.summary \(field Product\.summary\) is missing/,
    ],
    [
      "a column added in the SQL only",
      (sql) => sql.replace(`"is_seller" BOOLEAN NOT NULL DEFAULT false,`, `"is_seller" BOOLEAN NOT NULL DEFAULT false,\n    "nickname" TEXT,`),
      /users\.nickname exists in the database but not in model User/,
    ],
    [
      "a NOT NULL lost",
      (sql) => sql.replace(`"quote_hash" TEXT NOT NULL`, `"quote_hash" TEXT`),
      /checkout_sessions\.quote_hash is nullable but the schema says required/,
    ],
    [
      "a unique index turned into a plain one",
      (sql) =>
        sql.replace(
          `CREATE UNIQUE INDEX "orders_checkout_session_id_product_id_key"`,
          `CREATE INDEX "orders_checkout_session_id_product_id_key"`,
        ),
      /orders has no unique index on \(checkout_session_id, product_id\)/,
    ],
    [
      "a column of another type",
      (sql) => sql.replace(`"reported_amount" INTEGER,`, `"reported_amount" TEXT,`),
      /payments\.reported_amount is string but the schema says int/,
    ],
    [
      "an enum value missing",
      (sql) => sql.replace(`('USD', 'KRW')`, `('USD')`),
      /enum Currency has values \[USD\] but the schema says \[USD,KRW\]/,
    ],
  ];

  for (const [what, edit, expected] of drifts) {
    it(`reports ${what}`, async () => {
      const dir = copyMigrations(edit);
      const scratch = blankPglite();
      try {
        await migrate(scratch.connection, { dir });
        const problems = await findSchemaDrift(scratch.connection, await loadDmmf());
        expect(problems.join("\n")).toMatch(expected);
      } finally {
        await scratch.drop();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
