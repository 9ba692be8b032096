import { afterEach, describe, expect, it } from "vitest";
import { AppServer } from "../support/app-server";

// Runs the built server as its own process, the way it is deployed.

const servers: AppServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

async function startServer(name: string, env: Record<string, string>, healthz: number): Promise<AppServer> {
  const server = new AppServer({ name, env });
  servers.push(server);
  await server.start({ healthz });
  return server;
}

describe("/healthz", () => {
  it("answers 503 when the database cannot be reached", async () => {
    const server = await startServer("healthz-unreachable", { DATABASE_URL: "postgresql://nobody@127.0.0.1:9/nowhere" }, 503);
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: "unavailable", database: "unreachable" });
  });

  it("answers 200 after a database round trip", async () => {
    // The test database: DATABASE_URL when set, else the in-memory PGlite of tests/support/setup.ts.
    const server = await startServer("healthz-ok", {}, 200);
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", database: "ok" });
  });
});
