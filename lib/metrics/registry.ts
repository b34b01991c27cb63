// The instance's Prometheus metrics (prom-client), served by GET /api/metrics. One registry per
// process on globalThis: Next.js bundles each route on its own, and the HTTP server outside it
// (scripts/server.mjs) reports every request through a hook installed at start-up.
import client from "prom-client";

export type Metrics = ReturnType<typeof createMetrics>;

const KEY = Symbol.for("shipcheck.metrics");
const globalForMetrics = globalThis as unknown as { [KEY]?: Metrics };

/** Seconds: from a health check to a 25 MB report. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: "shipcheck_" });
  const registers = [registry];
  return {
    registry,
    httpRequests: new client.Counter({ name: "shipcheck_http_requests_total", help: "HTTP requests answered, by method, route and status.", labelNames: ["method", "route", "status"] as const, registers }),
    httpDuration: new client.Histogram({
      name: "shipcheck_http_request_duration_seconds",
      help: "Time from a request's arrival to the end of its response, by method, route and status class.",
      labelNames: ["method", "route", "status_class"] as const,
      buckets: DURATION_BUCKETS,
      registers,
    }),
    ingestReports: new client.Counter({ name: "shipcheck_ingest_reports_total", help: "Test reports accepted, by format.", labelNames: ["source"] as const, registers }),
    ingestResults: new client.Counter({ name: "shipcheck_ingest_results_total", help: "Test results accepted, by format.", labelNames: ["source"] as const, registers }),
    ingestBatchReports: new client.Histogram({
      name: "shipcheck_ingest_batch_reports",
      help: "Reports stored per ingest transaction (reports of one release that arrived together; docs/decisions/021).",
      buckets: [1, 2, 5, 10, 20, 50],
      registers,
    }),
    ingestBatchDuration: new client.Histogram({
      name: "shipcheck_ingest_batch_duration_seconds",
      help: "One ingest transaction, begin to commit: how long its release waits (it holds the release's lock from its first write).",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    gateEvaluations: new client.Counter({ name: "shipcheck_gate_evaluations_total", help: "Gates evaluated (one per release and environment), by outcome.", labelNames: ["open"] as const, registers }),
    gateDuration: new client.Histogram({
      name: "shipcheck_gate_evaluation_duration_seconds",
      help: "Time to evaluate one release's gates for every environment, its input already loaded.",
      buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1],
      registers,
    }),
    webhookDeliveries: new client.Counter({ name: "shipcheck_webhook_deliveries_total", help: "Outgoing webhook delivery attempts, by outcome.", labelNames: ["outcome"] as const, registers }),
  };
}

export function metrics(): Metrics {
  globalForMetrics[KEY] ??= createMetrics();
  return globalForMetrics[KEY];
}

/** Gauges read when scraped: what exists elsewhere is asked for, not copied on every change. */
export function registerGauge(name: string, help: string, read: () => number): void {
  const { registry } = metrics();
  if (registry.getSingleMetric(name)) return;
  new client.Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      this.set(read());
    },
  });
}

/** Times a synchronous piece of work, such as evaluating a release's gates. */
export function timeGate<T extends { open: boolean }[]>(evaluate: () => T): T {
  const end = metrics().gateDuration.startTimer();
  const gates = evaluate();
  end();
  for (const gate of gates) metrics().gateEvaluations.inc({ open: String(gate.open) });
  return gates;
}
