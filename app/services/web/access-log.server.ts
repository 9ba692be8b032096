// The access log (`@remix-run/serve` logs every request line with morgan to
// stdout) would hold TossPayments' `paymentKey`s: Toss returns the shopper to
// the success URL with the key in the query string. The success page
// redirects at once to a URL without it, but the first request line is
// logged all the same. The server offers no hook into its logger, so lines
// written to stdout have those values masked on the way out.

const SECRET_QUERY_VALUES = /([?&]paymentKey=)[^&\s"]*/gi;

export function redactSecrets(line: string): string {
  return line.replace(SECRET_QUERY_VALUES, "$1[redacted]");
}

let installed = false;

/** Masks secret query values in everything written to stdout from now on. */
export function redactStdout(): void {
  if (installed) return;
  installed = true;
  const write = process.stdout.write.bind(process.stdout) as (...args: unknown[]) => boolean;
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) =>
    write(typeof chunk === "string" ? redactSecrets(chunk) : chunk, ...rest)) as typeof process.stdout.write;
}
