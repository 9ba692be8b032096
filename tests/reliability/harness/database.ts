import pg from "pg";

// The test's own SQL against a file's scratch database (see
// tests/support/database.ts): killing backends, stale expiry dates, checks.

/** One plain connection to `url`; its errors (a backend killed) are the test's to see in its queries. */
export async function sqlClient(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  client.on("error", () => {});
  await client.connect();
  return client;
}

/** Moves the sessions' expiry a minute into the past, for the servers' expiry jobs to find. */
export async function backdateExpiry(databaseUrl: string, sessionIds: string[]): Promise<void> {
  const sql = await sqlClient(databaseUrl);
  try {
    await sql.query(`UPDATE checkout_sessions SET expires_at = now() - interval '1 minute' WHERE id = ANY($1::uuid[])`, [sessionIds]);
  } finally {
    await sql.end();
  }
}
