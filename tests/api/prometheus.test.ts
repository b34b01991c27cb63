// GET /api/metrics as an operator uses it: Debian's real Prometheus scrapes the suite's app with
// the metrics token and answers queries about what the app did; without the token, nothing.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeProject } from "../support/fixtures";
import { api, baseUrl } from "../support/http";
import { freePort } from "../support/free-port";

const token = () => {
  const value = process.env.SHIPCHECK_METRICS_TOKEN;
  if (!value) throw new Error("SHIPCHECK_METRICS_TOKEN is not set: run through `npm test`");
  return value;
};

async function scrape(): Promise<string> {
  const response = await fetch(`${baseUrl()}/api/metrics`, { headers: { authorization: `Bearer ${token()}` } });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
  return response.text();
}

/** The value of one sample line, e.g. `shipcheck_ingest_results_total{source="json"}`; 0 when absent. */
function sample(text: string, series: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

async function postThree(): Promise<void> {
  const p = await makeProject();
  const results = ["a", "b", "c"].map((n) => ({ key: `tests/smoke/test_${n}.py::test_ok`, status: "passed" }));
  const posted = await api(`/api/v1/projects/${p.slug}/releases/${p.version}/results`, { token: p.token, json: { environment: "staging", results } });
  expect(posted.status).toBe(201);
}

describe("GET /api/metrics", () => {
  it("answers only the scraper holding the metrics token: 401 JSON otherwise, never an API token", async () => {
    const p = await makeProject();
    for (const authorization of [undefined, "Bearer wrong", `Bearer ${token()}x`, `Bearer ${p.token}`, token()]) {
      const response = await api("/api/metrics", { headers: authorization ? { authorization } : {} });
      expect(response.status, String(authorization)).toBe(401);
      expect((response.body as { error: { code: string } }).error.code).toBe("unauthorized");
    }
  });

  it("counts reports, results, gate evaluations and requests by route, with names and versions kept out of the labels", async () => {
    const before = await scrape();
    await postThree();
    const after = await scrape();
    expect(sample(after, 'shipcheck_ingest_results_total{source="json"}')).toBeGreaterThanOrEqual(sample(before, 'shipcheck_ingest_results_total{source="json"}') + 3);
    expect(sample(after, 'shipcheck_ingest_reports_total{source="json"}')).toBeGreaterThanOrEqual(sample(before, 'shipcheck_ingest_reports_total{source="json"}') + 1);
    expect(sample(after, "shipcheck_gate_evaluation_duration_seconds_count")).toBeGreaterThan(sample(before, "shipcheck_gate_evaluation_duration_seconds_count"));
    // The report was one ingest transaction of at least one report, and it took some time.
    expect(sample(after, "shipcheck_ingest_batch_reports_count")).toBeGreaterThanOrEqual(sample(before, "shipcheck_ingest_batch_reports_count") + 1);
    expect(sample(after, "shipcheck_ingest_batch_reports_sum")).toBeGreaterThanOrEqual(sample(before, "shipcheck_ingest_batch_reports_sum") + 1);
    expect(sample(after, "shipcheck_ingest_batch_duration_seconds_sum")).toBeGreaterThan(sample(before, "shipcheck_ingest_batch_duration_seconds_sum"));
    const route = 'method="POST",route="/api/v1/projects/:project/releases/:version/results",status="201"';
    expect(sample(after, `shipcheck_http_requests_total{${route}}`)).toBeGreaterThanOrEqual(sample(before, `shipcheck_http_requests_total{${route}}`) + 1);
    expect(after).toMatch(/^shipcheck_db_pool_max_connections \d+$/m);
    expect(after).toMatch(/^shipcheck_live_streams_open \d+$/m);
    // No project slug or release version ever becomes a label value.
    expect(after).not.toMatch(/route="[^"]*\/p-[0-9a-f]{8}/);
  });
});

describe("scraped by a real Prometheus", () => {
  let dir = "";
  let prometheus: ChildProcess | undefined;
  let promUrl = "";

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "shipcheck-prometheus-"));
    const target = new URL(baseUrl());
    await writeFile(path.join(dir, "token"), token());
    await writeFile(
      path.join(dir, "prometheus.yml"),
      [
        "global: { scrape_interval: 1s, scrape_timeout: 1s }",
        "scrape_configs:",
        "  - job_name: shipcheck",
        "    metrics_path: /api/metrics",
        `    authorization: { type: Bearer, credentials_file: ${path.join(dir, "token")} }`,
        `    static_configs: [{ targets: ["${target.host}"] }]`,
        "",
      ].join("\n"),
    );
    const port = await freePort();
    promUrl = `http://127.0.0.1:${port}`;
    prometheus = spawn("prometheus", [`--config.file=${path.join(dir, "prometheus.yml")}`, `--storage.tsdb.path=${path.join(dir, "data")}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: "ignore" });
    for (let i = 0; i < 100; i++) {
      const ready = await fetch(`${promUrl}/-/ready`).then((r) => r.ok, () => false);
      if (ready) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error("Prometheus did not become ready: is Debian's prometheus installed (apt-get install prometheus)?");
  }, 30_000);

  afterAll(async () => {
    prometheus?.kill("SIGTERM");
    if (prometheus && prometheus.exitCode === null) await new Promise((r) => prometheus!.once("exit", r));
    await rm(dir, { recursive: true, force: true });
  });

  /** Asks Prometheus until the instant query returns a series (scrapes come every second). */
  async function query(promql: string, accept: (value: number) => boolean): Promise<number> {
    let last = "no answer";
    for (let i = 0; i < 60; i++) {
      const response = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(promql)}`);
      const body = (await response.json()) as { status: string; data: { result: { value: [number, string] }[] } };
      const value = body.data.result[0] ? Number(body.data.result[0].value[1]) : NaN;
      if (body.status === "success" && accept(value)) return value;
      last = JSON.stringify(body).slice(0, 300);
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`${promql}: ${last}`);
  }

  it("scrapes the app (up = 1) and sees the results CI posted and the requests that carried them", async () => {
    expect(await query('up{job="shipcheck"}', (v) => v === 1)).toBe(1);
    const seen = await query('sum(shipcheck_ingest_results_total{job="shipcheck"})', (v) => v >= 0);
    await postThree();
    expect(await query('sum(shipcheck_ingest_results_total{job="shipcheck"})', (v) => v >= seen + 3)).toBeGreaterThanOrEqual(seen + 3);
    const posts = await query('sum(shipcheck_http_requests_total{job="shipcheck",route="/api/v1/projects/:project/releases/:version/results",status="201"})', (v) => v >= 1);
    expect(posts).toBeGreaterThanOrEqual(1);
    // A latency quantile over the scraped histogram: what an operator's dashboard would draw.
    const p95 = await query('histogram_quantile(0.95, sum by (le) (shipcheck_http_request_duration_seconds_bucket{job="shipcheck"}))', (v) => Number.isFinite(v));
    expect(p95).toBeGreaterThan(0);
  }, 60_000);
});
