import { createServer, request, type Server } from "node:http";
import type { AppServer } from "../../support/app-server";
import { closeServer, listenOnLoopback } from "../../support/loopback";

/** A round-robin HTTP front for app servers (skipping stopped ones). */
export class LoadBalancer {
  servers: AppServer[] = [];
  /** Append the client's socket address to X-Forwarded-For, as a reverse proxy does. */
  appendForwardedFor = false;
  private server: Server | null = null;
  private next = 0;
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async listen(): Promise<void> {
    const server = createServer((req, res) => {
      const up = this.servers.filter((s) => s.running);
      if (up.length === 0) {
        res.writeHead(502);
        res.end("no app server is running");
        return;
      }
      const target = up[this.next++ % up.length];
      const headers = { ...req.headers };
      if (this.appendForwardedFor) {
        const sent = req.headers["x-forwarded-for"];
        headers["x-forwarded-for"] = [sent, req.socket.remoteAddress].filter(Boolean).join(", ");
      }
      const forward = request(
        { host: "127.0.0.1", port: target.port, method: req.method, path: req.url, headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on("error", () => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      req.pipe(forward);
    });
    this.server = server;
    this.port = await listenOnLoopback(server);
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await closeServer(server);
  }
}
