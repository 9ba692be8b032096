import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { freePort } from "./loopback";
import { ProcessLog } from "./process-log";
import { sleep, waitFor } from "./wait";

// The shop as it is deployed: a process of the production build, on its own
// port, with its output captured; and commands run to their end.

const BUILD_FILE = path.resolve("build/index.js");
const SERVE_CLI = path.resolve("node_modules/@remix-run/serve/dist/cli.js");

export interface AppServerOptions {
  name: string;
  env: Record<string, string>;
  port?: number;
  /** Where to write `<name>.log`; unset, the output is only kept in memory. */
  logDir?: string;
}

export class AppServer {
  readonly name: string;
  port = 0;
  private child: ChildProcess | null = null;
  private readonly log: ProcessLog;
  private exited: Promise<number | null> = Promise.resolve(null);

  constructor(private options: AppServerOptions) {
    this.name = options.name;
    this.log = new ProcessLog(options.logDir ? path.join(options.logDir, `${options.name}.log`) : null);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Everything the process wrote to stdout and stderr, over all its starts. */
  logs(): string {
    return this.log.text();
  }

  /** Output written after `mark` (a value of `logs().length`). */
  logsSince(mark: number): string {
    return this.log.since(mark);
  }

  /** Waits until `count` lines containing `text` were written after `mark`; answers the output since `mark`. */
  async waitForLines(text: string, count: number, mark: number, timeoutMs = 15_000): Promise<string> {
    return waitFor(
      `${count} lines with ${text} from ${this.name}`,
      () => {
        const since = this.logsSince(mark);
        return since.split("\n").filter((line) => line.includes(text)).length >= count ? since : undefined;
      },
      { timeoutMs, everyMs: 50 },
    );
  }

  /** Starts the server and waits until /healthz answers `healthz` (200: up with its database). */
  async start({ healthz = 200 } = {}): Promise<void> {
    if (!fs.existsSync(BUILD_FILE)) throw new Error("No server build: run `npm run build` first.");
    this.port ||= this.options.port ?? (await freePort());
    const child = spawn(process.execPath, [SERVE_CLI, BUILD_FILE], {
      env: {
        ...process.env,
        NODE_ENV: "production",
        APP_ENV: "test",
        PORT: String(this.port),
        APP_URL: this.url,
        ...this.options.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    child.stdout?.on("data", (chunk: Buffer) => this.log.record("stdout", chunk));
    child.stderr?.on("data", (chunk: Buffer) => this.log.record("stderr", chunk));
    this.exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
    await this.waitUntilHealthy(healthz);
  }

  /** Waits for /healthz to answer `status` (200: up with its database). */
  async waitUntilHealthy(status = 200, timeoutMs = 20_000): Promise<void> {
    await waitFor(
      `${this.name} /healthz ${status}`,
      async () => {
        if (!this.running) throw new Error(`${this.name} exited: ${this.logs().slice(-2000)}`);
        const response = await fetch(`${this.url}/healthz`);
        await response.arrayBuffer();
        return response.status === status ? true : undefined;
      },
      { timeoutMs, everyMs: 100 },
    );
  }

  /** kill -9: no shutdown, no finally blocks, connections dropped mid-request. */
  async kill9(): Promise<void> {
    if (!this.child || !this.running) return;
    this.child.kill("SIGKILL");
    await this.exited;
  }

  async stop(): Promise<void> {
    if (!this.child || !this.running) return;
    this.child.kill("SIGTERM");
    const code = await Promise.race([this.exited, sleep(5_000).then(() => "timeout" as const)]);
    if (code === "timeout") await this.kill9();
  }

  /** Starts again on the same port with the same environment. */
  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }
}

/**
 * Runs `node <args>` with `env` to its end and answers its exit code (null
 * when it was killed after `timeoutMs`) and everything it wrote.
 */
export async function runToExit(args: string[], env: NodeJS.ProcessEnv, { timeoutMs = 60_000 } = {}): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve(null);
    }, timeoutMs);
    child.once("close", (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode);
    });
  });
  return { code, output };
}
