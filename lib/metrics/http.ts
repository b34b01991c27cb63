// Every answered request, counted by the HTTP server outside Next.js (scripts/server.mjs), which
// alone sees each response end, whatever answered it: a route, a page, a static file, its own 503.
import { metrics } from "./registry";
import { routeLabel } from "./route-label";

export type AnsweredRequest = { method: string; url: string; status: number; seconds: number };

const OBSERVER = Symbol.for("shipcheck.requestObserver");
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

export function observeRequest({ method, url, status, seconds }: AnsweredRequest): void {
  const labels = { method: METHODS.has(method) ? method : "other", route: routeLabel(url) };
  const { httpRequests, httpDuration } = metrics();
  httpRequests.inc({ ...labels, status: String(status) });
  httpDuration.observe({ ...labels, status_class: `${Math.floor(status / 100)}xx` }, seconds);
}

/** Called once at start-up (instrumentation.ts): the server reports to what it finds here. */
export function installRequestObserver(): void {
  (globalThis as Record<symbol, unknown>)[OBSERVER] = observeRequest;
}
