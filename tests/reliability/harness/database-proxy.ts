import net from "node:net";
import { closeServer, freePort, listenOnLoopback } from "../../support/loopback";

/**
 * PostgreSQL behind a TCP proxy: `cut()` drops every connection and refuses
 * new ones (the database is down), `restore()` listens again on the same port.
 */
export class DatabaseProxy {
  port = 0;
  private server: net.Server | null = null;
  private sockets = new Set<net.Socket>();

  constructor(private target: { host: string; port: number }) {}

  static forUrl(url: string): DatabaseProxy {
    const parsed = new URL(url);
    return new DatabaseProxy({ host: parsed.hostname, port: Number(parsed.port || 5432) });
  }

  /** `url` with its host and port replaced by the proxy's. */
  urlThrough(url: string): string {
    const parsed = new URL(url);
    parsed.hostname = "127.0.0.1";
    parsed.port = String(this.port);
    return parsed.toString();
  }

  async listen(): Promise<void> {
    this.port ||= await freePort();
    const server = net.createServer((client) => {
      const upstream = net.connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on("close", () => this.sockets.delete(socket));
        socket.on("error", () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    this.server = server;
    await listenOnLoopback(server, this.port);
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server) await closeServer(server);
  }

  async restore(): Promise<void> {
    if (!this.server) await this.listen();
  }
}
