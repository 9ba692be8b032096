// Telling "the database is unreachable" apart from a bug, so that the shopper
// gets a 503 that says to try again rather than a generic error.

const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "57P01", // admin_shutdown: the connection was terminated
  "57P02",
  "57P03", // cannot_connect_now
  "08000",
  "08003",
  "08006",
  "P1001",
  "P1002",
  "P1017",
  "P2024",
]);

function codesOf(error: unknown, depth = 0): string[] {
  if (!error || typeof error !== "object" || depth > 5) return [];
  const codes: string[] = [];
  for (const key of ["code", "originalCode", "kind"] as const) {
    const value = (error as Record<string, unknown>)[key];
    if (typeof value === "string") codes.push(value);
  }
  for (const key of ["cause", "meta", "originalError"] as const) codes.push(...codesOf((error as Record<string, unknown>)[key], depth + 1));
  return codes;
}

const CONNECTION_MESSAGES =
  /(Can't reach database server|Connection terminated|terminating connection|Connection refused|ECONNREFUSED|server closed the connection|timeout exceeded when trying to connect|DatabaseNotReachable|Client has encountered a connection error)/i;

function isDatabaseUnavailable(error: unknown): boolean {
  if (codesOf(error).some((code) => CONNECTION_CODES.has(code) || code === "DatabaseNotReachable")) return true;
  const message = error instanceof Error ? `${error.message} ${String((error as { cause?: unknown }).cause ?? "")}` : String(error);
  return CONNECTION_MESSAGES.test(message);
}

const UNAVAILABLE_MESSAGE =
  "The shop cannot reach its database right now, so nothing was changed and nothing was charged. Please try again in a moment.";

/** Runs `work`; a database outage becomes a 503 response that says to retry. */
export async function unlessDatabaseDown<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof Response) throw error;
    if (isDatabaseUnavailable(error)) {
      console.error(JSON.stringify({ event: "database_unavailable", message: error instanceof Error ? error.message.slice(0, 200) : "unknown" }));
      throw new Response(UNAVAILABLE_MESSAGE, { status: 503, headers: { "Retry-After": "5" } });
    }
    throw error;
  }
}

