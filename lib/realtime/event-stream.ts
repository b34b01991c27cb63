// A server-sent event stream of one subscriber's signals: `change` when what it watches changed,
// `paused` while this instance cannot hear changes, `resync` when it can again (refetch). Comments
// keep proxies from timing the stream out; a `retry:` line says how soon to reconnect.
import { AppError } from "@/lib/errors";
import type { Interest } from "./change";
import { changeHub, maxStreams } from "./hub";
import type { ListenerSignal } from "./listener";

const encoder = new TextEncoder();

function seconds(name: string, fallback: number): number {
  const configured = Number(process.env[name]);
  return Number.isFinite(configured) && configured > 0 ? configured : fallback;
}

/** Unread chunks after which a client counts as gone: it reconnects and refetches rather than being fed forever. */
const MAX_QUEUED = 200;

export const EVENT_STREAM_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  // no-transform: Next.js's compression (and any proxy's) leaves the stream alone, unbuffered.
  "cache-control": "no-cache, no-transform",
  // nginx and similar proxies would otherwise buffer the response.
  "x-accel-buffering": "no",
};

function frame(signal: ListenerSignal): string {
  if (signal.type === "change") return `event: change\ndata: ${JSON.stringify({ kind: signal.notice.kind })}\n\n`;
  return `event: ${signal.type === "lost" ? "paused" : "resync"}\ndata: {}\n\n`;
}

/** Opens the stream, or 503 when this instance already serves its limit of them. */
export function eventStreamResponse(interest: Interest, abort: AbortSignal): Response {
  const hub = changeHub();
  const limit = maxStreams();
  if (hub.openStreams >= limit) {
    throw new AppError("service_unavailable", `this instance already serves its limit of ${limit} live update streams; retry shortly (pages poll meanwhile)`, undefined, { retryAfter: 5 });
  }
  const heartbeatMs = seconds("SHIPCHECK_SSE_HEARTBEAT_SECONDS", 15) * 1000;
  const retryMs = seconds("SHIPCHECK_SSE_RETRY_SECONDS", 2) * 1000;
  // Streams end now and then (with jitter, so not all at once): a reconnect checks access again
  // and spreads clients over instances added since.
  const maxAgeMs = seconds("SHIPCHECK_SSE_MAX_SECONDS", 600) * 1000 * (0.9 + Math.random() * 0.2);

  hub.openStreams++;
  let finish = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      let done = false;
      const send = (text: string) => {
        if (done) return;
        if ((controller.desiredSize ?? 0) < -MAX_QUEUED) return finish();
        controller.enqueue(encoder.encode(text));
      };
      const unsubscribe = hub.listener.subscribe(interest, (signal) => send(frame(signal)));
      const heartbeat = setInterval(() => send(": heartbeat\n\n"), heartbeatMs);
      const expiry = setTimeout(() => finish(), maxAgeMs);
      finish = () => {
        if (done) return;
        done = true;
        unsubscribe();
        clearInterval(heartbeat);
        clearTimeout(expiry);
        abort.removeEventListener("abort", finish);
        hub.streams.delete(finish);
        hub.openStreams--;
        try {
          controller.close();
        } catch {
          // Already cancelled by the reader.
        }
      };
      hub.streams.add(finish);
      abort.addEventListener("abort", finish);
      send(`retry: ${retryMs}\n: connected\n\n`);
      if (!hub.listener.connected) send(frame({ type: "lost" }));
      if (abort.aborted) finish();
    },
    cancel() {
      finish();
    },
  });
  return new Response(body, { status: 200, headers: EVENT_STREAM_HEADERS });
}
