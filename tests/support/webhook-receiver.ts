// A real HTTP server that receives webhooks: it records every request (headers and raw body) and
// answers with the status codes it is told to, in order (then 200). It can be stopped and started
// again on the same port, as a receiver that goes down and comes back.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export type Received = { headers: IncomingHttpHeaders; body: string; status: number; at: number };

export class WebhookReceiver {
  readonly received: Received[] = [];
  private answers: number[] = [];
  private server: Server | null = null;
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks`;
  }

  /** The next requests get these statuses, one each. */
  answerWith(...statuses: number[]): void {
    this.answers.push(...statuses);
  }

  async start(port = this.port): Promise<void> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (c: Buffer) => chunks.push(c));
      request.on("end", () => {
        const status = this.answers.shift() ?? 200;
        this.received.push({ headers: request.headers, body: Buffer.concat(chunks).toString("utf8"), status, at: Date.now() });
        response.writeHead(status, { "content-type": "text/plain" }).end(status < 300 ? "ok" : `receiver says ${status}`);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Requests whose payload is of this type (Standard Webhooks JSON). */
  ofType(type: string): Received[] {
    return this.received.filter((r) => {
      try {
        return (JSON.parse(r.body) as { type?: string }).type === type;
      } catch {
        return false;
      }
    });
  }
}

/** Polls until `check` returns something truthy, or fails after `ms`. */
export async function eventually<T>(check: () => Promise<T | null | undefined | false> | T | null | undefined | false, what: string, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
