// `npm run bench`: the built app on a fresh database, every figure beside a baseline measured in
// the same run (the app's own GET /api/health, and a bare node:http + pg insert), so the numbers
// read as ratios rather than as absolute claims about a shared, noisy machine. Then push latency
// across two instances behind haproxy (scripts/lib/bench-push.ts; BENCH_PUSH=off skips it).
// BENCH_ONLY picks parts after the baselines, comma-separated: ingest, large, reads, overview, push
// (BENCH_ONLY=ingest is a quick look at ingest; BENCH_PUSH=off leaves out push).
import autocannon from "autocannon";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import http from "node:http";
import pg from "pg";
import { createApiToken } from "@/lib/server/create-api-token";
import { createProject } from "@/lib/server/create-project";
import { createRelease } from "@/lib/server/create-release";
import { createUser } from "@/lib/server/create-user";
import { saveTemplate } from "@/lib/server/save-template";
import { freshDatabase, startApp } from "./lib/app-under-test";
import { formatPushResult, runPushBench } from "./lib/bench-push";

const root = process.cwd();
const say = (msg: string) => console.log(`[bench] ${msg}`);
const PORT = Number(process.env.BENCH_PORT ?? 3400);
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 20;
const system = { principal: { kind: "system" as const, label: "bench" } };
const COMMIT = "b".repeat(40);
const ONLY = process.env.BENCH_ONLY?.split(",").map((part) => part.trim());
const wants = (part: "ingest" | "large" | "reads" | "overview" | "push") =>
  (!ONLY || ONLY.includes(part)) && !(part === "push" && process.env.BENCH_PUSH === "off");

const TEMPLATE = `name: bench
sections:
  - title: Pre-deploy
    phase: pre-deploy
    items:
      - { key: suite, title: Whole suite, kind: check, patterns: ["tests/"] }
      - { key: smoke, title: Smoke, kind: check, patterns: ["tests/smoke/*"] }
      - { key: approval, title: Approval, kind: manual, role: release-manager }
`;

function report(size: number, run: number, prefix = "tests") {
  return JSON.stringify({
    environment: "staging",
    run: { id: `run-${prefix}-${run}`, startedAt: new Date(Date.now() + run * 1000).toISOString() },
    results: Array.from({ length: size }, (_, i) => ({
      key: `${prefix}/module_${i % 100}/test_file_${i % 37}.py::TestCase${i % 11}::test_${i}`,
      status: i % 97 === 0 ? "failed" : "passed",
      durationMs: i % 500,
      message: i % 97 === 0 ? `AssertionError: expected ${i} to equal ${i + 1}` : null,
    })),
  });
}

/** A JUnit XML report of `size` test cases, one in 97 failing. */
function junitReport(size: number) {
  const cases = Array.from({ length: size }, (_, i) =>
    i % 97 === 0
      ? `<testcase classname="tests.module_${i % 100}.TestCase${i % 11}" name="test_${i}" time="0.01"><failure message="AssertionError: ${i}">trace</failure></testcase>`
      : `<testcase classname="tests.module_${i % 100}.TestCase${i % 11}" name="test_${i}" time="0.01"/>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites><testsuite name="suite" tests="${size}">\n${cases.join("\n")}\n</testsuite></testsuites>\n`;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
};
const ms = (n: number) => `${n.toFixed(0)} ms`;

async function timePost(url: string, token: string, body: string): Promise<{ ms: number; status: number; text: string }> {
  const started = performance.now();
  const response = await fetch(url, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body });
  const text = await response.text();
  return { ms: performance.now() - started, status: response.status, text };
}

/** Sequential GETs: p50/p95 latency and the body size; then the same with the ETag sent back. */
async function timeGets(url: string, headers: Record<string, string>, runs = 60) {
  const times: number[] = [];
  let bytes = 0;
  let etag: string | null = null;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const response = await fetch(url, { headers });
    const body = await response.arrayBuffer();
    times.push(performance.now() - started);
    if (response.status !== 200) throw new Error(`GET ${url} gave ${response.status}`);
    bytes = body.byteLength;
    etag = response.headers.get("etag");
  }
  const revalidated: number[] = [];
  let notModified = 0;
  if (etag) {
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      const response = await fetch(url, { headers: { ...headers, "if-none-match": etag } });
      await response.arrayBuffer();
      revalidated.push(performance.now() - started);
      if (response.status === 304) notModified++;
    }
  }
  return { p50: percentile(times, 50), p95: percentile(times, 95), bytes, revalidated: etag ? { p50: percentile(revalidated, 50), p95: percentile(revalidated, 95), notModified, runs } : null };
}

function fire(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/** The same load for 2 s first, unmeasured, so that no row pays for a route's first compile and warm-up. */
async function cannon(options: autocannon.Options): Promise<autocannon.Result> {
  await fire({ ...options, duration: 2 });
  return fire(options);
}

/** POSTs for the usual time and connections, each made by `setup` (its own key, path or headers). */
function postEach(url: string, setup: NonNullable<autocannon.Request["setupRequest"]>): Promise<autocannon.Result> {
  return cannon({ url, connections: CONNECTIONS, duration: DURATION_S, requests: [{ method: "POST", setupRequest: setup }] });
}

const rate = (r: autocannon.Result) => `${r.requests.average.toFixed(0)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, non-2xx/errors ${r.non2xx + r.errors}`;

/** node:http + pg, one INSERT per request, on the same database server. */
async function bareInsert(databaseUrl: string): Promise<autocannon.Result> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  await pool.query(`CREATE TABLE IF NOT EXISTS bench_baseline (id bigserial primary key, key text, status text, at timestamptz default now())`);
  const server = http.createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      pool.query("INSERT INTO bench_baseline (key, status) VALUES ($1, $2)", [body.slice(0, 100), "passed"]).then(
        () => response.writeHead(201, { "content-type": "application/json" }).end('{"ok":true}'),
        () => response.writeHead(500).end(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(PORT + 1, "127.0.0.1", resolve));
  try {
    return await cannon({ url: `http://127.0.0.1:${PORT + 1}/`, method: "POST", body: '{"results":[{"key":"k","status":"passed"}]}', connections: CONNECTIONS, duration: DURATION_S });
  } finally {
    server.close();
    await pool.end();
  }
}

/** The gate against the model of docs/templates.md (scripts/gate-fuzz.ts), run before the app starts. */
function gateFuzz(): { line: string; ok: boolean } {
  say("gate fuzz: 100,000 scenarios against the model of docs/templates.md");
  const run = spawnSync("npx", ["tsx", "scripts/gate-fuzz.ts"], { cwd: root, encoding: "utf8" });
  process.stdout.write(run.stdout ?? "");
  process.stderr.write(run.stderr ?? "");
  const line = (run.stdout ?? "").split("\n").find((l) => / scenarios, \d+ false opens/.test(l)) ?? "did not finish";
  return { line, ok: run.status === 0 };
}

/** Peak resident memory (VmHWM) of a process and its children, in MB. */
async function peakRssMb(pid: number): Promise<number> {
  const pids = [pid, ...(spawnSync("pgrep", ["-P", String(pid)], { encoding: "utf8" }).stdout ?? "").split("\n").filter(Boolean).map(Number)];
  let peak = 0;
  for (const p of pids) {
    const status = await readFile(`/proc/${p}/status`, "utf8").catch(() => "");
    const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
    peak = Math.max(peak, kb / 1024);
  }
  return peak;
}

/** Starts the peak RSS of the app and its children afresh; false where the kernel does not allow it. */
async function resetPeakRss(pid: number): Promise<boolean> {
  const pids = [pid, ...(spawnSync("pgrep", ["-P", String(pid)], { encoding: "utf8" }).stdout ?? "").split("\n").filter(Boolean).map(Number)];
  const done = await Promise.all(pids.map((p) => writeFile(`/proc/${p}/clear_refs`, "5").then(() => true, () => false)));
  return done.every(Boolean);
}

/**
 * The worst /api/health latency while `work` runs (how long other requests wait), and the app's
 * longest event-loop delay meanwhile (prom-client's lag maximum, which each scrape starts afresh):
 * one task that held the loop, as against many that queued.
 */
async function healthDuring<T>(baseUrl: string, work: () => Promise<T>): Promise<{ result: T; worstMs: number; probes: number; loopMs: number }> {
  await eventLoopMaxMs(baseUrl);
  let done = false;
  let worst = 0;
  let probes = 0;
  const probe = (async () => {
    while (!done) {
      const started = performance.now();
      await fetch(`${baseUrl}/api/health`).then((r) => r.arrayBuffer(), () => null);
      worst = Math.max(worst, performance.now() - started);
      probes++;
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const result = await work();
  done = true;
  await probe;
  return { result, worstMs: worst, probes, loopMs: await eventLoopMaxMs(baseUrl) };
}

async function pool<T>(items: T[], size: number, work: (item: T) => Promise<unknown>) {
  const queue = [...items];
  await Promise.all(Array.from({ length: size }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  }));
}

const METRICS_TOKEN = randomBytes(16).toString("hex");

/** The longest event-loop delay since the last scrape, in ms. */
async function eventLoopMaxMs(baseUrl: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/api/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  const line = text.split("\n").find((l) => l.startsWith("shipcheck_nodejs_eventloop_lag_max_seconds "));
  return line ? Number(line.split(" ")[1]) * 1000 : NaN;
}

/** The app's ingest transactions so far (GET /api/metrics): how many, the reports in them, their seconds. */
async function ingestBatches(baseUrl: string): Promise<{ count: number; reports: number; seconds: number }> {
  const text = await (await fetch(`${baseUrl}/api/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  const value = (series: string) => Number(text.split("\n").find((l) => l.startsWith(`${series} `))?.slice(series.length + 1) ?? 0);
  return { count: value("shipcheck_ingest_batch_reports_count"), reports: value("shipcheck_ingest_batch_reports_sum"), seconds: value("shipcheck_ingest_batch_duration_seconds_sum") };
}

/** The app's memory as its own metrics say (prom-client's process and Node.js gauges), in MB. */
async function memoryOf(baseUrl: string): Promise<string> {
  const text = await (await fetch(`${baseUrl}/api/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  const mb = (series: string) => {
    const line = text.split("\n").find((l) => l.startsWith(`${series} `) || l.startsWith(`${series}{`));
    return line ? `${(Number(line.split(" ").at(-1)) / 1e6).toFixed(0)} MB` : "?";
  };
  return `RSS ${mb("shipcheck_process_resident_memory_bytes")}, V8 heap used ${mb("shipcheck_nodejs_heap_size_used_bytes")} of ${mb("shipcheck_nodejs_heap_size_total_bytes")}, external ${mb("shipcheck_nodejs_external_memory_bytes")}`;
}

/** Runs a load and says what its ingest transactions were: reports per transaction, and how long each held its release. */
async function withBatches(baseUrl: string, load: () => Promise<autocannon.Result>): Promise<{ result: autocannon.Result; batches: string }> {
  const before = await ingestBatches(baseUrl);
  const result = await load();
  const after = await ingestBatches(baseUrl);
  const count = after.count - before.count;
  const batches = count === 0 ? "no ingest transaction" : `${((after.reports - before.reports) / count).toFixed(1)} reports per transaction (${count} transactions, warm-up included), each ${(((after.seconds - before.seconds) / count) * 1000).toFixed(1)} ms begin to commit (the release's lock is held for it)`;
  return { result, batches };
}

async function main() {
  const fuzz = gateFuzz();
  const serverUrl = process.env.DATABASE_URL;
  const database = await freshDatabase(root, { prefix: "shipcheck_bench", embeddedDir: "pg-bench", embeddedPort: 54331, say });
  process.env.DATABASE_URL = database.databaseUrl;
  const app = await startApp(root, { port: PORT, databaseUrl: database.appDatabaseUrl, say, extraEnv: { SHIPCHECK_RATE_LIMIT_PER_MINUTE: "100000000", SHIPCHECK_METRICS_TOKEN: METRICS_TOKEN } });
  const rows: [string, string][] = [["gate against the model of docs/templates.md (scripts/gate-fuzz.ts)", fuzz.line]];
  const api = (path: string) => `${app.baseUrl}/api/v1/projects/bench/releases/${path}`;
  try {
    await createProject(system, { slug: "bench", name: "Bench", environments: ["staging", "production"] });
    await saveTemplate(system, "bench", TEMPLATE);
    const token = (await createApiToken(system, { project: "bench", name: "bench" })).token;
    const auth = { authorization: `Bearer ${token}` };
    const release = async (version: string, project = "bench") => createRelease(system, project, { version, commit: COMMIT, template: "bench" });

    // 1. The references: the app's own health route, and a bare insert server.
    say(`baselines: ${CONNECTIONS} connections for ${DURATION_S} s each`);
    const health = await cannon({ url: `${app.baseUrl}/api/health`, connections: CONNECTIONS, duration: DURATION_S });
    const bare = await bareInsert(database.databaseUrl);
    rows.push(["GET /api/health (Next.js route + one database round trip)", rate(health)]);
    rows.push(["baseline node:http + pg insert", rate(bare)]);

    // 2. One-result reports on an empty release and on one already holding 10,000 distinct keys.
    const oneResult = (version: string) =>
      cannon({
        url: api(`${version}/results`),
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({ environment: "staging", results: [{ key: "tests/smoke/test_a.py::test_ok", status: "passed" }] }),
        connections: CONNECTIONS,
        duration: DURATION_S,
      });
    let empty: autocannon.Result | null = null;
    let emptyBatches = "";
    if (wants("ingest")) {
      await release("v-empty");
      say("1-result reports, empty release");
      const measured = await withBatches(app.baseUrl, () => oneResult("v-empty"));
      empty = measured.result;
      emptyBatches = measured.batches;
    }
    if (wants("ingest") || wants("reads")) {
      await release("v-10k");
      const filled = await timePost(api("v-10k/results"), token, report(10_000, 0));
      if (filled.status !== 201) throw new Error(`the 10,000-key report gave ${filled.status}: ${filled.text.slice(0, 300)}`);
    }
    if (empty) {
      say("1-result reports, release with 10,000 distinct keys");
      const full = await oneResult("v-10k");
      rows.push(["1-result reports, empty release", rate(empty)]);
      rows.push(["  its ingest transactions", emptyBatches]);
      rows.push(["1-result reports, release with 10,000 distinct keys", rate(full)]);
      rows.push(["  ratio ingest (empty release) / GET /api/health", `${((empty.requests.average / health.requests.average) * 100).toFixed(1)} %`]);
      rows.push(["  ratio ingest at 10,000 keys / empty release", `${((full.requests.average / empty.requests.average) * 100).toFixed(1)} %`]);

      // What the CLI sends: every report with an Idempotency-Key of its own, claimed and answered in the batch.
      await release("v-keys");
      let keyed = 0;
      say("1-result reports, each with an Idempotency-Key");
      const withKeys = await withBatches(app.baseUrl, () =>
        postEach(app.baseUrl, (request) => ({
          ...request,
          path: "/api/v1/projects/bench/releases/v-keys/results",
          headers: { ...auth, "content-type": "application/json", "idempotency-key": `bench-${keyed++}` },
          body: JSON.stringify({ environment: "staging", results: [{ key: "tests/smoke/test_a.py::test_ok", status: "passed" }] }),
        })),
      );
      rows.push(["1-result reports, each with an Idempotency-Key (as the CLI sends)", rate(withKeys.result)]);
      rows.push(["  its ingest transactions", withKeys.batches]);

      // The audit chain's lock: one chain per release, held from the event's insert to commit. The
      // same load on one release and spread over 20 (20 chains) shows what waiting for it costs.
      // A new key per request, as shards report (the same key would also wait on its row).
      for (let i = 0; i <= 20; i++) await release(`v-chain-${i}`);
      let sent = 0;
      const newKeys = (spread: boolean) =>
        postEach(app.baseUrl, (request) => {
          const n = sent++;
          const body = JSON.stringify({ environment: "staging", results: [{ key: `tests/shard/test_${n}.py::test_ok`, status: "passed" }] });
          return { ...request, path: `/api/v1/projects/bench/releases/v-chain-${spread ? 1 + (n % 20) : 0}/results`, headers: { ...auth, "content-type": "application/json" }, body };
        });
      say("1-result reports with new keys: one release, then spread over 20");
      const oneChain = await withBatches(app.baseUrl, () => newKeys(false));
      const manyChains = await withBatches(app.baseUrl, () => newKeys(true));
      rows.push(["1-result reports, a new key each, one release (one audit chain)", rate(oneChain.result)]);
      rows.push(["  its ingest transactions", oneChain.batches]);
      rows.push(["1-result reports, a new key each, over 20 releases (20 chains)", rate(manyChains.result)]);
      rows.push(["  its ingest transactions", manyChains.batches]);
      rows.push(["  ratio one chain / 20 chains (the chain lock's cost; the one release grows more)", `${((oneChain.result.requests.average / manyChains.result.requests.average) * 100).toFixed(1)} %`]);
    }

    if (wants("large")) {
      // 3. Large reports: time, the app's peak memory, and how long /api/health waits meanwhile.
      await release("v-large");
      const large: number[] = [];
      for (let run = 0; run < 5; run++) {
        const posted = await timePost(api("v-large/results"), token, report(10_000, run));
        if (posted.status !== 201) throw new Error(`10,000-result report gave ${posted.status}: ${posted.text.slice(0, 300)}`);
        large.push(posted.ms);
      }
      rows.push(["10,000-result report, POST to response (5 runs, history grows)", `median ${ms(percentile(large, 50))}, first ${ms(large[0]!)}, last ${ms(large.at(-1)!)}`]);
      // What stays of the memory afterwards: the V8 heap, or memory the allocator keeps.
      rows.push(["  the app's memory after them", await memoryOf(app.baseUrl)]);
      const huge = report(100_000, 9, "suite");
      const before = app.pid ? await peakRssMb(app.pid) : NaN;
      // The peak so far is the five reports'; started afresh (Linux: clear_refs 5), the peak is this post's.
      const fresh = app.pid ? await resetPeakRss(app.pid) : false;
      const big = await healthDuring(app.baseUrl, () => timePost(api("v-large/results"), token, huge));
      const rss = app.pid ? `${(await peakRssMb(app.pid)).toFixed(0)} MB${fresh ? ` (${before.toFixed(0)} MB before it)` : " over the whole run"}` : "unknown";
      rows.push([
        `100,000-result report (${(huge.length / 1e6).toFixed(1)} MB)`,
        `HTTP ${big.result.status} in ${ms(big.result.ms)}; app peak RSS during it ${rss}; worst /api/health meanwhile ${ms(big.worstMs)} (${big.probes} probes), longest event-loop delay ${ms(big.loopMs)}${big.result.status === 201 ? "" : `: ${big.result.text.slice(0, 160)}`}`,
      ]);
      // The same as JUnit XML, which is read by an XML parser: how long other requests wait meanwhile.
      const junit = junitReport(100_000);
      const xml = await healthDuring(app.baseUrl, async () => {
        const started = performance.now();
        const response = await fetch(api("v-large/results?environment=staging"), { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/xml" }, body: junit });
        return { status: response.status, ms: performance.now() - started, text: await response.text() };
      });
      rows.push([
        `100,000-test JUnit report (${(junit.length / 1e6).toFixed(1)} MB)`,
        `HTTP ${xml.result.status} in ${ms(xml.result.ms)}; worst /api/health meanwhile ${ms(xml.worstMs)} (${xml.probes} probes), longest event-loop delay ${ms(xml.loopMs)}`,
      ]);
      // A sharded CI run: 20 JUnit reports of a common size at once, each read while the others wait.
      const shard = junitReport(2_000);
      const shards = await healthDuring(app.baseUrl, async () => {
        const started = performance.now();
        const statuses = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            fetch(api(`v-large/results?environment=staging&runId=shard-${i}`), { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/xml" }, body: shard }).then(async (r) => {
              await r.arrayBuffer();
              return r.status;
            }),
          ),
        );
        return { ms: performance.now() - started, created: statuses.filter((status) => status === 201).length };
      });
      rows.push([
        `20 JUnit reports of 2,000 tests (${(shard.length / 1024).toFixed(0)} KB each) at once`,
        `${shards.result.created}/20 answered 201, all in ${ms(shards.result.ms)}; worst /api/health meanwhile ${ms(shards.worstMs)} (${shards.probes} probes), longest event-loop delay ${ms(shards.loopMs)}`,
      ]);

    }
    if (wants("reads")) {
      // 4. Reads of a release with 10,000 distinct keys: what the gate API and the page fetch.
      const gate = await timeGets(api("v-10k/gate?environment=staging"), auth);
      const page = await timeGets(api("v-10k"), auth);
      const reads = (r: Awaited<ReturnType<typeof timeGets>>) =>
        `p50 ${ms(r.p50)}, p95 ${ms(r.p95)}, ${(r.bytes / 1024).toFixed(1)} KB` +
        (r.revalidated ? `; with If-None-Match: ${r.revalidated.notModified}/${r.revalidated.runs} answered 304, p50 ${ms(r.revalidated.p50)}, p95 ${ms(r.revalidated.p95)}` : "; no ETag");
      rows.push(["GET gate, release with 10,000 keys (sequential)", reads(gate)]);
      rows.push(["GET release (the page's data), 10,000 keys (sequential)", reads(page)]);
      say(`gate reads: ${CONNECTIONS} connections for ${DURATION_S} s`);
      const gateLoad = await cannon({ url: api("v-10k/gate?environment=staging"), headers: auth, connections: CONNECTIONS, duration: DURATION_S });
      rows.push(["GET gate, 10,000 keys, under load", rate(gateLoad)]);

    }
    if (wants("overview")) {
      // 5. The overview with 1,000 releases in flight: 100 projects of 10 releases each.
      say("overview: creating 100 projects with 10 releases each");
      const projects = Array.from({ length: 100 }, (_, i) => `o-${String(i).padStart(3, "0")}`);
      await pool(projects, 4, async (slug) => {
        await createProject(system, { slug, name: `Overview ${slug}`, environments: ["staging", "production"] });
        await saveTemplate(system, slug, TEMPLATE);
        for (let r = 0; r < 10; r++) await release(`v${r}`, slug);
      });
      const password = "bench-password-1234";
      await createUser(system, { email: "admin@bench.example", password, isAdmin: true, memberships: [] });
      process.env.SHIPCHECK_TEST_URL = app.baseUrl;
      const { signIn } = await import("@/tests/support/http");
      const cookie = await signIn("admin@bench.example", password);
      const firstStarted = performance.now();
      const first = await fetch(`${app.baseUrl}/`, { headers: { cookie } });
      await first.arrayBuffer();
      const firstMs = performance.now() - firstStarted;
      const overview = await timeGets(`${app.baseUrl}/`, { cookie }, 30);
      // A later page reads and sorts the same 1,000 releases' projects, and skips more of them.
      const later = await timeGets(`${app.baseUrl}/?page=4`, { cookie }, 30);
      rows.push(["overview page, 1,000 releases (first view, then sequential)", `first ${ms(firstMs)} (HTTP ${first.status}); then p50 ${ms(overview.p50)}, p95 ${ms(overview.p95)}, ${(overview.bytes / 1024).toFixed(0)} KB`]);
      rows.push(["  its page 4 (20 projects a page, 5 newest releases each)", `p50 ${ms(later.p50)}, p95 ${ms(later.p95)}, ${(later.bytes / 1024).toFixed(0)} KB`]);
    }
  } finally {
    await app.stop();
    const { disconnectDb } = await import("@/lib/db/client");
    await disconnectDb();
    await database.drop();
  }
  // 6. Push latency across two instances behind haproxy (its own fresh database and apps).
  let push = "";
  if (wants("push")) {
    say("push latency: two instances behind haproxy, 50 streams and a page in Chromium");
    // Its own fresh database on the same server: the one above is gone.
    process.env.DATABASE_URL = serverUrl;
    push = formatPushResult(await runPushBench({ root, basePort: PORT + 20, say }));
  }
  console.log("\nShipcheck benchmark (2 cores; app, PostgreSQL and load generator on one machine)\n");
  for (const [what, value] of rows) console.log(`${what.padEnd(72)} ${value}`);
  if (push) console.log(`\nPush latency (two app instances, haproxy, PostgreSQL, Chromium and client on one machine)\n${push}`);
  if (!fuzz.ok) {
    console.error("[bench] the gate fuzz found false opens or false closes (see its examples above)");
    process.exitCode = 1;
  }
}

main().catch((error: Error) => {
  console.error(`[bench] ${error.message}`);
  process.exit(1);
});
