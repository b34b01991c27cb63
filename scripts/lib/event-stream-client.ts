// A server-sent events reader for tests and benchmarks: each event and comment stamped with this
// process's clock on arrival, so latencies are measured against the same clock as the requests.
import http from "node:http";
import { createParser } from "eventsource-parser";

export type StreamEvent = { type: string; data: string; at: number };

export type EventStream = {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The whole body when the answer is not a stream (an error's JSON). */
  body: string;
  events: StreamEvent[];
  comments: { text: string; at: number }[];
  retry: number | null;
  /** The first event at or after index `from` that satisfies `test`. */
  waitFor(test: (event: StreamEvent) => boolean, from?: number, timeoutMs?: number): Promise<StreamEvent>;
  /** Waits until the server ends the stream. */
  ended: Promise<void>;
  close(): void;
};

export function openEventStream(url: string, headers: Record<string, string> = {}): Promise<EventStream> {
  return new Promise((resolve, reject) => {
    // No shared agent: every stream is its own connection, as every browser tab's is.
    const request = http.get(url, { headers: { accept: "text/event-stream", ...headers }, agent: false }, (response) => {
      const waiters = new Set<() => void>();
      let endedResolve = () => {};
      const ended = new Promise<void>((r) => (endedResolve = r));
      const stream: EventStream = {
        status: response.statusCode ?? 0,
        headers: response.headers,
        body: "",
        events: [],
        comments: [],
        retry: null,
        ended,
        close: () => {
          request.destroy();
          endedResolve();
        },
        waitFor: (test, from = 0, timeoutMs = 5_000) =>
          new Promise((found, fail) => {
            const check = () => {
              const hit = stream.events.slice(from).find(test);
              if (!hit) return;
              clearTimeout(timer);
              waiters.delete(check);
              found(hit);
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              fail(new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(stream.events.slice(from))}`));
            }, timeoutMs);
            waiters.add(check);
            check();
          }),
      };
      const parser = createParser({
        onEvent: (message) => {
          stream.events.push({ type: message.event ?? "message", data: message.data, at: performance.now() });
          for (const check of [...waiters]) check();
        },
        onComment: (text) => stream.comments.push({ text: text.trim(), at: performance.now() }),
        onRetry: (ms) => (stream.retry = ms),
      });
      response.setEncoding("utf8");
      const streaming = stream.status === 200 && String(response.headers["content-type"]).startsWith("text/event-stream");
      response.on("data", (chunk: string) => (streaming ? parser.feed(chunk) : (stream.body += chunk)));
      response.on("end", endedResolve);
      response.on("close", endedResolve);
      response.on("error", endedResolve);
      if (streaming) resolve(stream);
      else response.on("end", () => resolve(stream));
    });
    request.on("error", reject);
  });
}
