import fs from "node:fs";
import path from "node:path";
import internals from "@prisma/internals";
import type { SqlConnection } from "~/db.server";

// Compares the Prisma schema (its DMMF, as the client generator sees it) with
// a migrated database and lists every difference a query could trip over.

type Dmmf = Awaited<ReturnType<typeof internals.getDMMF>>;

export async function loadDmmf(schemaFile = path.resolve("prisma/schema.prisma")): Promise<Dmmf> {
  return internals.getDMMF({ datamodel: fs.readFileSync(schemaFile, "utf8") });
}

interface ColumnRow {
  table_name: string;
  column_name: string;
  is_nullable: "YES" | "NO";
  data_type: string;
  udt_name: string;
}

interface IndexRow {
  table_name: string;
  is_unique: boolean;
  columns: string[];
}

interface ForeignKeyRow {
  table_name: string;
  columns: string[];
  referenced_table: string;
}

function typeFamily(column: ColumnRow): string {
  if (column.data_type === "USER-DEFINED") return `enum:${column.udt_name}`;
  if (column.udt_name === "uuid") return "uuid";
  if (["text", "varchar", "bpchar"].includes(column.udt_name)) return "string";
  if (["int2", "int4", "int8"].includes(column.udt_name)) return "int";
  if (column.udt_name === "bool") return "boolean";
  if (["timestamp", "timestamptz", "date"].includes(column.udt_name)) return "datetime";
  if (["json", "jsonb"].includes(column.udt_name)) return "json";
  if (["float4", "float8", "numeric"].includes(column.udt_name)) return "number";
  return column.udt_name;
}

function expectedFamily(field: Dmmf["datamodel"]["models"][number]["fields"][number], enumDbName: (name: string) => string) {
  if (field.kind === "enum") return `enum:${enumDbName(field.type)}`;
  const native = field.nativeType?.[0];
  if (native === "Uuid") return "uuid";
  switch (field.type) {
    case "String":
      return "string";
    case "Int":
    case "BigInt":
      return "int";
    case "Boolean":
      return "boolean";
    case "DateTime":
      return "datetime";
    case "Json":
      return "json";
    case "Float":
    case "Decimal":
      return "number";
    default:
      return field.type;
  }
}

const sameColumns = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((column, i) => column === b[i]);

export async function findSchemaDrift(connection: SqlConnection, dmmf: Dmmf): Promise<string[]> {
  const problems: string[] = [];
  const columns = await connection.query<ColumnRow>(
    `SELECT table_name, column_name, is_nullable, data_type, udt_name
       FROM information_schema.columns WHERE table_schema = 'public'`,
  );
  const indexes = await connection.query<IndexRow>(
    `SELECT t.relname AS table_name, ix.indisunique AS is_unique,
            array_agg(a.attname::text ORDER BY k.ordinality) AS columns
       FROM pg_index ix
       JOIN pg_class t ON t.oid = ix.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
       CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ordinality)
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
      GROUP BY ix.indexrelid, t.relname, ix.indisunique`,
  );
  const foreignKeys = await connection.query<ForeignKeyRow>(
    `SELECT t.relname AS table_name, r.relname AS referenced_table,
            array_agg(a.attname::text ORDER BY k.ordinality) AS columns
       FROM pg_constraint c
       JOIN pg_class t ON t.oid = c.conrelid
       JOIN pg_class r ON r.oid = c.confrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
       CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, ordinality)
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
      WHERE c.contype = 'f'
      GROUP BY c.oid, t.relname, r.relname`,
  );
  const enumRows = await connection.query<{ name: string; value: string }>(
    `SELECT t.typname AS name, e.enumlabel AS value
       FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid ORDER BY t.typname, e.enumsortorder`,
  );

  const enumDbName = (name: string) => dmmf.datamodel.enums.find((e) => e.name === name)?.dbName ?? name;
  for (const enumType of dmmf.datamodel.enums) {
    const dbName = enumType.dbName ?? enumType.name;
    const actual = enumRows.filter((row) => row.name === dbName).map((row) => row.value);
    const expected = enumType.values.map((value) => value.dbName ?? value.name);
    if (actual.length === 0) problems.push(`enum ${dbName} is missing`);
    else if (!sameColumns(actual, expected))
      problems.push(`enum ${dbName} has values [${actual}] but the schema says [${expected}]`);
  }

  const tableOf = new Map(dmmf.datamodel.models.map((model) => [model.name, model.dbName ?? model.name]));
  const knownTables = new Set(["_prisma_migrations", ...tableOf.values()]);
  for (const table of new Set(columns.map((column) => column.table_name))) {
    if (!knownTables.has(table)) problems.push(`table ${table} exists in the database but not in the schema`);
  }

  for (const model of dmmf.datamodel.models) {
    const table = model.dbName ?? model.name;
    const tableColumns = columns.filter((column) => column.table_name === table);
    if (tableColumns.length === 0) {
      problems.push(`table ${table} (model ${model.name}) is missing`);
      continue;
    }
    const columnOf = (fieldName: string) => {
      const field = model.fields.find((f) => f.name === fieldName);
      return field?.dbName ?? fieldName;
    };
    const scalarFields = model.fields.filter((field) => field.kind === "scalar" || field.kind === "enum");
    const expectedColumns = new Set(scalarFields.map((field) => field.dbName ?? field.name));
    for (const column of tableColumns) {
      if (!expectedColumns.has(column.column_name))
        problems.push(`${table}.${column.column_name} exists in the database but not in model ${model.name}`);
    }
    for (const field of scalarFields) {
      const name = field.dbName ?? field.name;
      const column = tableColumns.find((c) => c.column_name === name);
      if (!column) {
        problems.push(`${table}.${name} (field ${model.name}.${field.name}) is missing`);
        continue;
      }
      const nullable = column.is_nullable === "YES";
      if (nullable === field.isRequired)
        problems.push(`${table}.${name} is ${nullable ? "nullable" : "NOT NULL"} but the schema says ${field.isRequired ? "required" : "optional"}`);
      const expected = expectedFamily(field, enumDbName);
      const actual = typeFamily(column);
      if (expected !== actual) problems.push(`${table}.${name} is ${actual} but the schema says ${expected}`);
    }

    const tableIndexes = indexes.filter((index) => index.table_name === table);
    const uniqueSets: string[][] = [
      ...scalarFields.filter((field) => field.isUnique || field.isId).map((field) => [field.dbName ?? field.name]),
      ...model.uniqueIndexes.map((unique) => unique.fields.map(columnOf)),
      ...(model.primaryKey ? [model.primaryKey.fields.map(columnOf)] : []),
    ];
    for (const unique of uniqueSets) {
      if (!tableIndexes.some((index) => index.is_unique && sameColumns(index.columns, unique)))
        problems.push(`${table} has no unique index on (${unique.join(", ")})`);
    }
    for (const index of dmmf.datamodel.indexes) {
      if (index.model !== model.name || index.type !== "normal") continue;
      const wanted = index.fields.map((f) => columnOf(f.name));
      if (!tableIndexes.some((actual) => sameColumns(actual.columns, wanted)))
        problems.push(`${table} has no index on (${wanted.join(", ")})`);
    }
    for (const field of model.fields) {
      if (field.kind !== "object" || !field.relationFromFields?.length) continue;
      const wanted = field.relationFromFields.map(columnOf);
      const referenced = tableOf.get(field.type);
      if (
        !foreignKeys.some(
          (fk) => fk.table_name === table && fk.referenced_table === referenced && sameColumns(fk.columns, wanted),
        )
      )
        problems.push(`${table} has no foreign key (${wanted.join(", ")}) to ${referenced}`);
    }
  }
  return problems;
}
