// Every answered request, counted and logged (one access line) for the HTTP server outside
// Next.js (scripts/server.mjs), which alone sees each response end, whatever answered it: a
// route, a page, a static file, its own 503.
import { randomUUID } from "node:crypto";
import { clientAddressFrom } from "@/lib/http/client-address";
import { validRequestId } from "@/lib/http/request-id";
import { log, loggablePath } from "@/lib/log";
import { metrics } from "./registry";
import { routeLabel } from "./route-label";

export type AnsweredRequest = {
  method: string;
  url: string;
  status: number;
  seconds: number;
  /** The response's X-Request-Id (API routes set one), else the request's. */
  requestId?: string | null;
  headers?: Record<string, string | string[] | undefined>;
  /** The client went away before the response was complete. */
  aborted?: boolean;
};

const headerSource = (headers: AnsweredRequest["headers"]) => ({
  get: (name: string) => {
    const value = headers?.[name.toLowerCase()];
    return Array.isArray(value) ? value.join(", ") : (value ?? null);
  },
});

const OBSERVER = Symbol.for("shipcheck.requestObserver");
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

export function observeRequest({ method, url, status, seconds, requestId, headers, aborted = false }: AnsweredRequest): void {
  // A 404 may be for any address a client makes up: one label for all, so the series stay bounded.
  const labels = { method: METHODS.has(method) ? method : "other", route: status === 404 ? "unmatched" : routeLabel(url) };
  const { httpRequests, httpDuration } = metrics();
  httpRequests.inc({ ...labels, status: String(status) });
  httpDuration.observe({ ...labels, status_class: `${Math.floor(status / 100)}xx` }, seconds);
  log().info(
    {
      requestId: validRequestId(requestId) ?? randomUUID(),
      method: labels.method,
      path: loggablePath(url),
      route: labels.route,
      status,
      ms: Math.round(seconds * 10_000) / 10,
      ip: clientAddressFrom(headerSource(headers)),
      ...(aborted ? { aborted } : {}),
    },
    "request",
  );
}

/** Called once at start-up (instrumentation.ts): the server reports to what it finds here. */
export function installRequestObserver(): void {
  (globalThis as Record<symbol, unknown>)[OBSERVER] = observeRequest;
}
