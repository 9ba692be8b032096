import type { IncomingMessage, ServerResponse } from "node:http";
import { randomBytes } from "node:crypto";

export type Params = Record<string, string>;

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Params;
  body: Buffer;
}

export type Handler = (ctx: RequestContext) => void | Promise<void>;

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
}

/** A tiny method + path router; `:name` segments become params. */
export class Router {
  private routes: Route[] = [];

  on(method: string, path: string, handler: Handler): this {
    const keys: string[] = [];
    const source = path
      .split("/")
      .map((segment) => {
        if (segment.startsWith(":")) {
          keys.push(segment.slice(1));
          return "([^/]+)";
        }
        return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      })
      .join("/");
    this.routes.push({ method, pattern: new RegExp(`^${source}/?$`), keys, handler });
    return this;
  }

  /** Returns the matching handler, or "method" when only the method is wrong. */
  match(method: string, pathname: string): { handler: Handler; params: Params } | "method" | null {
    let pathMatched = false;
    for (const route of this.routes) {
      const found = route.pattern.exec(pathname);
      if (!found) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      const params: Params = {};
      route.keys.forEach((key, index) => {
        params[key] = decodeURIComponent(found[index + 1]);
      });
      return { handler: route.handler, params };
    }
    return pathMatched ? "method" : null;
  }
}

export async function readBody(req: IncomingMessage, limitBytes = 1_000_000): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limitBytes) throw new Error("request body too large");
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body, null, 2);
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Length": Buffer.byteLength(html),
    "Cache-Control": "no-store",
  });
  res.end(html);
}

export function redirect(res: ServerResponse, location: string, status = 303): void {
  res.writeHead(status, { Location: location, "Content-Length": 0 });
  res.end();
}

export function escapeHtml(value: unknown): string {
  return String(value)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** Random id in Stripe's style: prefix + 24 alphanumerics. */
export function randomId(prefix: string, length = 24): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = randomBytes(length);
  let out = "";
  for (const byte of bytes) out += alphabet[byte % alphabet.length];
  return prefix + out;
}

export type FormValue = string | FormValue[] | { [key: string]: FormValue };

/**
 * Parses Stripe-style form parameters (`a[b][0][c]=v`, `a[]=v`) into nested
 * objects and arrays, the way Stripe's API reads what stripe-node sends.
 */
export function parseNestedParams(pairs: Iterable<[string, string]>): Record<string, FormValue> {
  const root: Record<string, FormValue> = {};
  for (const [rawKey, value] of pairs) {
    const first = rawKey.indexOf("[");
    const head = first === -1 ? rawKey : rawKey.slice(0, first);
    const rest = first === -1 ? "" : rawKey.slice(first);
    const segments = [head, ...Array.from(rest.matchAll(/\[([^\]]*)\]/g), (m) => m[1])];
    let container: Record<string, FormValue> | FormValue[] = root;
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i];
      const last = i === segments.length - 1;
      const key: string | number =
        Array.isArray(container) && segment === "" ? container.length : segment;
      if (last) {
        (container as Record<string, FormValue>)[key as string] = value;
        break;
      }
      const nextIsIndex = segments[i + 1] === "" ;
      let next: FormValue | undefined = (container as Record<string, FormValue>)[key as string];
      if (next === undefined || typeof next === "string") {
        next = nextIsIndex ? [] : {};
        (container as Record<string, FormValue>)[key as string] = next;
      }
      container = next as Record<string, FormValue> | FormValue[];
    }
  }
  return normaliseArrays(root) as Record<string, FormValue>;
}

/** Objects whose keys are all integers become arrays ordered by index. */
function normaliseArrays(value: FormValue): FormValue {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map(normaliseArrays);
  const keys = Object.keys(value);
  const normalised: Record<string, FormValue> = {};
  for (const key of keys) normalised[key] = normaliseArrays(value[key]);
  if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) {
    return keys
      .map(Number)
      .sort((a, b) => a - b)
      .map((index) => normalised[String(index)]);
  }
  return normalised;
}

export function formPairs(body: Buffer | string): [string, string][] {
  return Array.from(new URLSearchParams(body.toString()).entries());
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Keeps the socket open without answering, then drops it: a provider that
 * hangs. The request keeps running for `ms` even when the client gives up
 * first, as it would at the provider, so its idempotency key stays in use.
 */
export async function hangThenDrop(c: RequestContext, ms: number): Promise<void> {
  await new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
  c.req.socket.destroy();
}
