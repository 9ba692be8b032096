import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";

// Runs the built server as its own process, the way it is deployed.
const buildFile = path.resolve("build/index.js");
const serveCli = path.resolve("node_modules/@remix-run/serve/dist/cli.js");

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

const servers: ChildProcess[] = [];
afterEach(() => servers.splice(0).forEach((server) => server.kill("SIGTERM")));

async function startServer(env: Record<string, string>): Promise<string> {
  if (!fs.existsSync(buildFile)) throw new Error("No server build: run `npm run build` first (npm test does).");
  const port = await freePort();
  const server = spawn(process.execPath, [serveCli, buildFile], {
    env: { ...process.env, NODE_ENV: "production", APP_ENV: "test", PORT: String(port), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  servers.push(server);
  const base = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 100; attempt++) {
    if (server.exitCode !== null) throw new Error(`server exited with ${server.exitCode}`);
    try {
      await fetch(`${base}/`, { method: "HEAD" });
      return base;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error("server did not start");
}

describe("/healthz", () => {
  it("answers 503 when the database cannot be reached", async () => {
    const base = await startServer({ DATABASE_URL: "postgresql://nobody@127.0.0.1:9/nowhere" });
    const response = await fetch(`${base}/healthz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: "unavailable", database: "unreachable" });
  });

  it("answers 200 after a database round trip", async () => {
    // The test database: DATABASE_URL when set, else the in-memory PGlite of tests/support/setup.ts.
    const base = await startServer({});
    const response = await fetch(`${base}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", database: "ok" });
  });
});
