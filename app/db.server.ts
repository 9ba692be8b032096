import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { env } from "~/env.server";
import { PrismaClient } from "~/generated/prisma/client";

// One place decides which database the process talks to:
// DATABASE_URL set -> a PostgreSQL server; unset (outside production) -> the
// embedded PGlite in PGLITE_DATA_DIR, started once per process.

export type DatabaseBackend =
  | { kind: "postgres"; url: string }
  | { kind: "pglite"; dataDir: string };

export function databaseBackend(): DatabaseBackend {
  const { DATABASE_URL, PGLITE_DATA_DIR } = env();
  if (DATABASE_URL) return { kind: "postgres", url: DATABASE_URL };
  return { kind: "pglite", dataDir: PGLITE_DATA_DIR };
}

/** A single SQL connection for work below Prisma: migrations and schema checks. */
export interface SqlConnection {
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
  /** Runs a script of several statements. */
  exec(text: string): Promise<void>;
  close(): Promise<void>;
}

interface DatabaseState {
  pglite?: PGlite;
  prisma?: PrismaClient;
  /** The pool under Prisma's adapter: Prisma does not end a pool it was given. */
  pool?: pg.Pool;
}

const globalForDb = globalThis as typeof globalThis & { __marketplaceDb?: DatabaseState };
const state: DatabaseState = (globalForDb.__marketplaceDb ??= {});

export function sharedPglite(dataDir: string): PGlite {
  if (!state.pglite) {
    if (!dataDir.startsWith("memory://")) fs.mkdirSync(path.resolve(dataDir), { recursive: true });
    state.pglite = new PGlite(dataDir);
  }
  return state.pglite;
}

export function pgliteConnection(db: PGlite, { owned }: { owned: boolean }): SqlConnection {
  return {
    async query<Row>(text: string, params?: unknown[]) {
      const result = await db.query<Row>(text, params);
      return result.rows;
    },
    async exec(text: string) {
      await db.exec(text);
    },
    async close() {
      if (owned) await db.close();
    },
  };
}

export async function postgresConnection(url: string): Promise<SqlConnection> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    async query<Row>(text: string, params?: unknown[]) {
      const result = await client.query(text, params as unknown[] | undefined);
      return result.rows as Row[];
    },
    async exec(text: string) {
      await client.query(text);
    },
    async close() {
      await client.end();
    },
  };
}

export async function openSqlConnection(): Promise<SqlConnection> {
  const backend = databaseBackend();
  if (backend.kind === "postgres") return postgresConnection(backend.url);
  return pgliteConnection(sharedPglite(backend.dataDir), { owned: false });
}

function createPrismaClient(): PrismaClient {
  const backend = databaseBackend();
  if (backend.kind === "postgres") {
    const pool = new pg.Pool({ connectionString: backend.url, connectionTimeoutMillis: 5_000, max: 10 });
    // An idle connection can be closed under us (a restart, pg_terminate_backend):
    // the pool drops it and opens another; without this listener the process would crash.
    pool.on("error", (error) => {
      console.error(JSON.stringify({ event: "database_connection_lost", message: error.message }));
    });
    // The pool listens only on idle clients: a connection terminated while
    // checked out (inside a transaction, between two statements) emits 'error'
    // on its client with no listener, which would crash the process. The
    // statement that uses it next fails instead, and the pool discards it.
    pool.on("connect", (client) => {
      client.on("error", (error) => {
        console.error(JSON.stringify({ event: "database_connection_lost", message: error.message }));
      });
    });
    state.pool = pool;
    // A transaction waits for a connection as long as the pool lets a query wait (5 s), not Prisma's default 2 s.
    return new PrismaClient({ adapter: new PrismaPg(pool), transactionOptions: { maxWait: 5_000 } });
  }
  return new PrismaClient({ adapter: new PrismaPGlite(sharedPglite(backend.dataDir)) });
}

export function db(): PrismaClient {
  state.prisma ??= createPrismaClient();
  return state.prisma;
}

export async function closeDatabase(): Promise<void> {
  const { prisma, pglite, pool } = state;
  state.prisma = undefined;
  state.pglite = undefined;
  state.pool = undefined;
  await prisma?.$disconnect();
  if (pool && !pool.ended) await pool.end();
  if (pglite && !pglite.closed) await pglite.close();
}
