// `npm run bench`: ingest and gate performance of the built app on a fresh database, beside a
// baseline measured in the same run (a bare node:http server inserting one row per request with
// pg), so the numbers read as ratios rather than as absolute claims about this machine.
import autocannon from "autocannon";
import { spawnSync } from "node:child_process";
import http from "node:http";
import pg from "pg";
import { createApiToken } from "@/lib/server/create-api-token";
import { createProject } from "@/lib/server/create-project";
import { createRelease } from "@/lib/server/create-release";
import { saveTemplate } from "@/lib/server/save-template";
import { freshDatabase, startApp } from "./lib/app-under-test";

const root = process.cwd();
const say = (msg: string) => console.log(`[bench] ${msg}`);
const PORT = Number(process.env.BENCH_PORT ?? 3400);
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 20;
const system = { principal: { kind: "system" as const, label: "bench" } };

const TEMPLATE = `name: bench
sections:
  - title: Pre-deploy
    phase: pre-deploy
    items:
      - { key: suite, title: Whole suite, kind: check, patterns: ["tests/"] }
`;

function report(size: number, run: number) {
  return JSON.stringify({
    environment: "staging",
    run: { id: `run-${run}`, startedAt: new Date(Date.now() + run * 1000).toISOString() },
    results: Array.from({ length: size }, (_, i) => ({
      key: `tests/module_${i % 100}/test_file_${i % 37}.py::TestCase${i % 11}::test_${i}`,
      status: i % 97 === 0 ? "failed" : "passed",
      durationMs: i % 500,
      message: i % 97 === 0 ? `AssertionError: expected ${i} to equal ${i + 1}` : null,
    })),
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timePost(url: string, token: string, body: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(url, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`POST ${url} gave ${response.status}: ${text.slice(0, 300)}`);
  return performance.now() - started;
}

function cannon(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/** The reference figure: node:http + pg, one INSERT per request, on the same database server. */
async function baseline(databaseUrl: string): Promise<autocannon.Result> {
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

async function main() {
  const fuzz = gateFuzz();
  const database = await freshDatabase(root, { prefix: "shipcheck_bench", embeddedDir: "pg-bench", embeddedPort: 54331, say });
  process.env.DATABASE_URL = database.databaseUrl;
  const app = await startApp(root, { port: PORT, databaseUrl: database.appDatabaseUrl, say, extraEnv: { SHIPCHECK_RATE_LIMIT_PER_MINUTE: "100000000" } });
  const rows: [string, string][] = [["gate against the model of docs/templates.md (scripts/gate-fuzz.ts)", fuzz.line]];
  try {
    await createProject(system, { slug: "bench", name: "Bench", environments: ["staging", "production"] });
    await saveTemplate(system, "bench", TEMPLATE);
    const token = (await createApiToken(system, { project: "bench", name: "bench" })).token;
    const release = async (version: string) => createRelease(system, "bench", { version, commit: "b".repeat(40), template: "bench" });

    // 1. A 10,000-test report: the response includes item states and the gate after ingestion.
    await release("v-large");
    const largeUrl = `${app.baseUrl}/api/v1/projects/bench/releases/v-large/results`;
    const large: number[] = [];
    for (let run = 0; run < 5; run++) large.push(await timePost(largeUrl, token, report(10_000, run)));
    rows.push(["10,000-result JSON report, POST to response (5 runs, history grows each run)", `median ${median(large).toFixed(0)} ms, first ${large[0]!.toFixed(0)} ms, last ${large.at(-1)!.toFixed(0)} ms`]);

    // 2. Many small reports at once, against the baseline.
    await release("v-small");
    say(`small reports: ${CONNECTIONS} connections for ${DURATION_S} s`);
    const small = await cannon({
      url: `${app.baseUrl}/api/v1/projects/bench/releases/v-small/results`,
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ environment: "staging", results: [{ key: "tests/smoke/test_a.py::test_ok", status: "passed" }] }),
      connections: CONNECTIONS,
      duration: DURATION_S,
    });
    say("baseline: node:http + pg, one INSERT per request");
    const base = await baseline(database.databaseUrl);
    const non2xx = small.non2xx + small.errors;
    rows.push(["1-result reports, requests/s (Shipcheck)", `${small.requests.average.toFixed(0)} req/s, p50 ${small.latency.p50} ms, p99 ${small.latency.p99} ms, non-2xx/errors ${non2xx}`]);
    rows.push(["baseline node:http + pg insert, requests/s", `${base.requests.average.toFixed(0)} req/s, p50 ${base.latency.p50} ms, p99 ${base.latency.p99} ms`]);
    rows.push(["ratio Shipcheck / baseline", `${((small.requests.average / base.requests.average) * 100).toFixed(1)} %`]);

    // 3. Reading the gate of a release holding 50,000 results.
    say(`gate reads: ${CONNECTIONS} connections for ${DURATION_S} s`);
    const gate = await cannon({
      url: `${app.baseUrl}/api/v1/projects/bench/releases/v-large/gate?environment=staging`,
      headers: { authorization: `Bearer ${token}` },
      connections: CONNECTIONS,
      duration: DURATION_S,
    });
    rows.push(["GET gate, release with 50,000 results, requests/s", `${gate.requests.average.toFixed(1)} req/s, p50 ${gate.latency.p50} ms, p99 ${gate.latency.p99} ms, non-2xx ${gate.non2xx}`]);
  } finally {
    await app.stop();
    const { disconnectDb } = await import("@/lib/db/client");
    await disconnectDb();
    await database.drop();
  }
  console.log("\nShipcheck benchmark (2 cores; app, PostgreSQL and load generator on one machine)\n");
  for (const [what, value] of rows) console.log(`${what.padEnd(78)} ${value}`);
  if (!fuzz.ok) {
    console.error("[bench] the gate fuzz found false opens or false closes (see its examples above)");
    process.exitCode = 1;
  }
}

main().catch((error: Error) => {
  console.error(`[bench] ${error.message}`);
  process.exit(1);
});
