import { createServer, type IncomingHttpHeaders } from "node:http";
import { closeServer, listenOnLoopback } from "./loopback";

// A stand-in for the shop's webhook routes: it keeps every delivery the
// sandbox makes (path, headers, the exact body) and answers as told.

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

export interface WebhookReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** Status codes to answer, in order; the last one repeats. */
  answers: number[];
  /** Forgets what was received and answers 200 again. */
  reset(): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      requests.push({ path: req.url ?? "/", headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), at: Date.now() });
      const status = receiver.answers[Math.min(requests.length - 1, receiver.answers.length - 1)];
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(status < 300 ? { received: true } : { error: `answered ${status} as the test asked` }));
    });
  });
  const port = await listenOnLoopback(server);
  const receiver: WebhookReceiver = {
    url: `http://127.0.0.1:${port}`,
    requests,
    answers: [200],
    reset() {
      requests.length = 0;
      receiver.answers = [200];
    },
    close: () => closeServer(server),
  };
  return receiver;
}
