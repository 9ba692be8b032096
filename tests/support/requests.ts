import { randomUUID } from "node:crypto";
import { commitCsrfToken } from "~/services/web/csrf.server";

/** A browser-like visitor: keeps cookies between calls and holds a CSRF token. */
export class Visitor {
  private cookies = new Map<string, string>();
  readonly ip = `203.0.113.${Math.floor(Math.random() * 250) + 1}`;
  readonly id = randomUUID();
  csrfToken = "";

  static async start(): Promise<Visitor> {
    const visitor = new Visitor();
    const [token, cookie] = await commitCsrfToken(new Request("http://localhost/"));
    visitor.csrfToken = token;
    if (cookie) visitor.remember(cookie);
    return visitor;
  }

  /** Takes the form token a page would now carry (after a login or logout, a new one). */
  async loadPage(): Promise<void> {
    const [token, cookie] = await commitCsrfToken(this.get("/"));
    this.csrfToken = token;
    this.remember(cookie);
  }

  remember(setCookie: string | null) {
    if (!setCookie) return;
    for (const part of setCookie.split(/,(?=\s*[A-Za-z0-9_]+=)/)) {
      const [pair] = part.trim().split(";");
      const index = pair.indexOf("=");
      this.cookies.set(pair.slice(0, index), pair.slice(index + 1));
    }
  }

  absorb(response: Response): Response {
    for (const value of response.headers.getSetCookie()) this.remember(value);
    return response;
  }

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  get(path: string): Request {
    return new Request(`http://localhost${path}`, {
      headers: { Cookie: this.cookieHeader(), "X-Forwarded-For": this.ip },
    });
  }

  post(path: string, fields: Record<string, string>, { csrf = true } = {}): Request {
    const body = new URLSearchParams(csrf ? { csrf: this.csrfToken, ...fields } : fields);
    return new Request(`http://localhost${path}`, {
      method: "POST",
      body,
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Cookie: this.cookieHeader(),
        "X-Forwarded-For": this.ip,
      },
    });
  }
}

/** Runs a Remix action or loader and returns the Response it returned or threw. */
export async function respond(run: () => Promise<unknown>): Promise<Response> {
  try {
    const result = await run();
    if (result instanceof Response) return result;
    throw new Error(`expected a Response, got ${typeof result}`);
  } catch (error) {
    if (error instanceof Response) return error;
    throw error;
  }
}

export function uniqueEmail(label = "shopper"): string {
  return `${label}-${randomUUID().slice(0, 8)}@example.test`;
}
