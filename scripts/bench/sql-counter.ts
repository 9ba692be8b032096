// Counts the SQL statements this process sends to the database, at the driver:
// every `pg` Client query (the pool's queries go through it too, and so do
// Prisma's BEGIN and COMMIT), or every PGlite query, exec and transaction
// (PGlite issues BEGIN and COMMIT/ROLLBACK itself, so those count as two).
// Used by the benchmark and by tests/integration/statement-counts.test.ts.
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";

export interface SqlCounter {
  /** Statements recorded since the last reset, oldest first. */
  statements(): string[];
  reset(): void;
  /** Runs `work` and returns what it returned with the statements it sent. */
  measure<T>(work: () => Promise<T>): Promise<{ result: T; statements: string[] }>;
  uninstall(): void;
}

function textOf(query: unknown): string {
  if (typeof query === "string") return query;
  if (query && typeof query === "object" && "text" in query) return String((query as { text: unknown }).text);
  return String(query);
}

function compact(sql: string): string {
  return sql.replace(/\s+/g, " ").trim();
}

export function installSqlCounter(): SqlCounter {
  let log: string[] = [];
  const record = (sql: unknown) => log.push(compact(textOf(sql)));

  const clientProto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const pgQuery = clientProto.query;
  clientProto.query = function (this: unknown, ...args: unknown[]) {
    record(args[0]);
    return pgQuery.apply(this, args);
  };

  type Tx = { query: (...a: unknown[]) => Promise<unknown>; exec: (...a: unknown[]) => Promise<unknown>; rollback: () => Promise<void> };
  const liteProto = PGlite.prototype as unknown as {
    query: (...a: unknown[]) => Promise<unknown>;
    exec: (...a: unknown[]) => Promise<unknown>;
    transaction: (callback: (tx: Tx) => Promise<unknown>) => Promise<unknown>;
  };
  const { query: liteQuery, exec: liteExec, transaction: liteTransaction } = liteProto;
  liteProto.query = function (this: unknown, ...args: unknown[]) {
    record(args[0]);
    return liteQuery.apply(this, args);
  };
  liteProto.exec = function (this: unknown, ...args: unknown[]) {
    record(args[0]);
    return liteExec.apply(this, args);
  };
  liteProto.transaction = async function (this: unknown, callback: (tx: Tx) => Promise<unknown>) {
    let rolledBack = false;
    record("BEGIN");
    try {
      const result = await liteTransaction.call(this, (tx: Tx) =>
        callback({
          ...tx,
          query: (...args: unknown[]) => (record(args[0]), tx.query(...args)),
          exec: (...args: unknown[]) => (record(args[0]), tx.exec(...args)),
          rollback: async () => {
            rolledBack = true;
            record("ROLLBACK");
            await tx.rollback();
          },
        } as Tx),
      );
      if (!rolledBack) record("COMMIT");
      return result;
    } catch (error) {
      if (!rolledBack) record("ROLLBACK");
      throw error;
    }
  };

  return {
    statements: () => [...log],
    reset: () => {
      log = [];
    },
    async measure(work) {
      log = [];
      const result = await work();
      const statements = log;
      log = [];
      return { result, statements };
    },
    uninstall() {
      clientProto.query = pgQuery;
      Object.assign(liteProto, { query: liteQuery, exec: liteExec, transaction: liteTransaction });
    },
  };
}
