// What a first visit costs: the JavaScript a page loads (raw and gzip) and the
// time to its first byte.
import http from "node:http";
import { gzipSync } from "node:zlib";
import { percentile } from "./load";
import { APP } from "./settings";

async function timeToFirstByte(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const request = http.get(url, (response) => {
      const ms = performance.now() - started;
      response.resume();
      response.on("end", () => resolve(ms));
    });
    request.on("error", reject);
  });
}

export async function pageFigures(pathname: string) {
  const html = await (await fetch(`${APP}${pathname}`)).text();
  const sources = new Set<string>();
  for (const match of html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)) sources.add(match[1]);
  for (const match of html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)) sources.add(match[1]);
  let raw = 0;
  let gzip = 0;
  for (const source of sources) {
    const body = Buffer.from(await (await fetch(new URL(source, APP))).arrayBuffer());
    raw += body.length;
    gzip += gzipSync(body).length;
  }
  const inline = [...html.matchAll(/<script(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join("\n");
  raw += Buffer.byteLength(inline);
  gzip += gzipSync(inline).length;
  const samples: number[] = [];
  for (let i = 0; i < 40; i++) samples.push(await timeToFirstByte(`${APP}${pathname}`));
  const sorted = samples.slice(5).sort((a, b) => a - b); // the first few warm the route up
  return { pathname, files: sources.size, raw, gzip, ttfbP50: percentile(sorted, 50), ttfbP95: percentile(sorted, 95) };
}
