import type { Server as HttpServer } from "node:http";
import net from "node:net";

// Servers the tests run listen on 127.0.0.1 only.

/** Listens on `port` of 127.0.0.1 (0: a free one) and answers the port. */
export async function listenOnLoopback(server: net.Server, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  return (server.address() as net.AddressInfo).port;
}

/** Stops listening; an HTTP server drops its open connections first. */
export async function closeServer(server: net.Server | HttpServer): Promise<void> {
  if ("closeAllConnections" in server) server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** A port free on 127.0.0.1 a moment ago. */
export async function freePort(): Promise<number> {
  const probe = net.createServer();
  const port = await listenOnLoopback(probe);
  await closeServer(probe);
  return port;
}
