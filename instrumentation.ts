// Next.js calls `register` once when a server process starts: request metrics are observed from
// then on, and the notification worker runs in every app instance (lib/notifications/worker.ts),
// and so do scheduled Prometheus readings (lib/prometheus/worker.ts).
// It calls onRequestError for an error no handler caught (a page's query failing mid-render,
// say). A database outage found that way is marked, so the next page requests get the 503 page
// (scripts/server.mjs) instead of failing one by one.
import type { Instrumentation } from "next";

/** At start-up, in the Node.js server: the HTTP server's requests are counted from here on; the notification worker starts (never in the build). */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { installRequestObserver } = await import("@/lib/metrics/http");
  installRequestObserver();
  if (process.env.NEXT_PHASE === "phase-production-build") return;
  const { startNotificationWorker } = await import("@/lib/notifications/worker");
  startNotificationWorker();
  const { startPrometheusWorker } = await import("@/lib/prometheus/worker");
  startPrometheusWorker();
}

export const onRequestError: Instrumentation.onRequestError = async (error) => {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const [{ isDatabaseUnavailable }, { markDatabaseDown }] = await Promise.all([import("@/lib/db/unavailable"), import("@/lib/db/outage")]);
  if (isDatabaseUnavailable(error)) markDatabaseDown(error);
};
