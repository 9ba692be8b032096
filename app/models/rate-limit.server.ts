import { db } from "~/db.server";
import { Prisma } from "~/generated/prisma/client";

export interface WindowCount {
  hits: number;
  windowStartedAt: Date;
}

/**
 * Adds one hit to each key in a fixed window of `windowMs`, in one statement,
 * so concurrent requests on any server count exactly. Returns each key's window.
 */
export async function recordHits(keys: readonly string[], windowMs: number): Promise<Map<string, WindowCount>> {
  const rows = await db().$queryRaw<Array<{ key: string; hits: number; window_started_at: Date }>>(recordHitsStatement(keys, windowMs));
  return new Map(rows.map((row) => [row.key, { hits: row.hits, windowStartedAt: row.window_started_at }]));
}

export function recordHitsStatement(keys: readonly string[], windowMs: number) {
  return Prisma.sql`
    INSERT INTO "rate_limits" ("key", "window_started_at", "hits")
    SELECT key, now(), 1 FROM unnest(${[...keys]}::text[]) AS key
    ON CONFLICT ("key") DO UPDATE SET
      "hits" = CASE WHEN "rate_limits"."window_started_at" <= now() - make_interval(secs => ${windowMs / 1000})
                    THEN 1 ELSE "rate_limits"."hits" + 1 END,
      "window_started_at" = CASE WHEN "rate_limits"."window_started_at" <= now() - make_interval(secs => ${windowMs / 1000})
                    THEN now() ELSE "rate_limits"."window_started_at" END
    RETURNING "key", "hits", "window_started_at"`;
}

export async function clearHits(key: string): Promise<void> {
  await db().rateLimit.deleteMany({ where: { key } });
}
