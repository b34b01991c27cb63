// Smoke test of the README's run command on the embedded PostgreSQL: start, health 200, write
// through the API, stop with SIGTERM, start again, and find the data still there.
// Run from a checkout without DATABASE_URL: `tsx scripts/smoke-start.ts`.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const port = Number(process.env.SMOKE_PORT ?? 3300);
const pgPort = Number(process.env.SMOKE_PG_PORT ?? 54339);
const base = `http://127.0.0.1:${port}`;
// As root in a checkout the postgres OS user cannot reach, the data goes under EMBEDDED_PG_HOME:
// a fresh one for this test (unless given), so no earlier run's data is found there.
const pgHome = process.env.EMBEDDED_PG_HOME ? null : mkdtempSync(path.join(os.tmpdir(), "shipcheck-smoke-pg-"));
if (pgHome) chmodSync(pgHome, 0o755);
const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), EMBEDDED_PG_PORT: String(pgPort), NEXTAUTH_URL: `http://localhost:${port}` };
if (pgHome) env.EMBEDDED_PG_HOME = pgHome;
delete env.DATABASE_URL;
delete env.SHIPCHECK_APP_DATABASE_URL;
/** The embedded server's data directory, from the start-up log (`.data/pg`, or as root maybe elsewhere). */
let pgDataDir = ".data/pg";

const say = (msg: string) => console.log(`[smoke] ${msg}`);
/** Every `npm start` process group this test started, so a failure never leaves one running. */
const started = new Set<number>();

function cleanUp(): void {
  for (const pid of started) {
    try {
      process.kill(-pid, "SIGTERM");
    } catch {
      // Already gone.
    }
  }
  if (pgHome && started.size === 0) rmSync(pgHome, { recursive: true, force: true });
}

function fail(msg: string): never {
  console.error(`[smoke] FAILED: ${msg}`);
  cleanUp();
  process.exit(1);
}

async function start(): Promise<{ child: ChildProcess; output: () => string }> {
  let output = "";
  // Its own process group, so a stop reaches npm and everything under it, as Ctrl-C would.
  const child = spawn("npm", ["start"], { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  started.add(child.pid!);
  child.stdout!.on("data", (d) => (output += String(d)));
  child.stderr!.on("data", (d) => (output += String(d)));
  const deadline = Date.now() + 240_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) fail(`npm start exited with ${child.exitCode}:\n${output}`);
    const health = await fetch(`${base}/api/health`).catch(() => null);
    if (health?.status === 200 && output.includes("Shipcheck is running at")) {
      pgDataDir = /Embedded PostgreSQL ready at \S+ \(data: (.+)\)$/m.exec(output)?.[1] ?? fail(`the start-up log does not say where the data is:\n${output}`);
      return { child, output: () => output };
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  fail(`no healthy app on ${base} within 240 s:\n${output}`);
}

/**
 * SIGTERM to the whole group; done when both ports are closed and PostgreSQL removed its
 * postmaster.pid (it does so only on a clean shutdown; a crash leaves it behind).
 */
async function stop(child: ChildProcess, output: () => string): Promise<void> {
  process.kill(-child.pid!, "SIGTERM");
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const done = !(await portOpen(port)) && !(await portOpen(pgPort)) && !existsSync(path.join(pgDataDir, "postmaster.pid"));
    if (done) {
      started.delete(child.pid!);
      return;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  fail(`not stopped cleanly within 60 s after SIGTERM:\n${output()}`);
}

/** The server may close an idle keep-alive connection just as it is reused: try again once. */
async function retried(request: () => Promise<Response>): Promise<Response> {
  try {
    return await request();
  } catch {
    await new Promise((r) => setTimeout(r, 500));
    return request();
  }
}

function portOpen(p: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(p, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

async function main() {
  say(`npm start on port ${port} (embedded PostgreSQL on ${pgPort})`);
  const first = await start();
  const health = await (await retried(() => fetch(`${base}/api/health`))).json();
  if (health.database?.ok !== true) fail(`health says ${JSON.stringify(health)}`);
  say(`health: ${JSON.stringify(health)}`);
  say(`embedded PostgreSQL data: ${pgDataDir}`);
  if (!/The app connects as database role \S+_app /.test(first.output())) fail(`the app does not say it runs as its own database role:\n${first.output()}`);
  const printed = first.output();
  if (!/Sign in as \S+ with password \S+|initial administrator's password is in/i.test(printed)) fail(`the admin's credentials were not printed:\n${printed}`);
  await readFile(".data/initial-admin.txt", "utf8").catch(() => fail(".data/initial-admin.txt was not written"));

  const cli = spawnSync("npx", ["shipcheck", "token", "create", "--project", "demo", "--name", `smoke-${Date.now()}`], { env, encoding: "utf8" });
  if (cli.status !== 0) fail(`token create failed: ${cli.stderr}`);
  const token = cli.stdout.trim();
  const key = `tests/smoke/test_persisted_${Date.now()}.py::test_ok`;
  const posted = await retried(() =>
    fetch(`${base}/api/v1/projects/demo/releases/v0.1.0/results`, {
      method: "POST",
      // A retry after a dropped keep-alive connection must not count twice.
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "idempotency-key": key },
      body: JSON.stringify({ environment: "staging", results: [{ key, status: "passed" }] }),
    }),
  );
  if (posted.status !== 201) fail(`posting a result gave ${posted.status}: ${await posted.text()}`);
  say("posted a result; stopping with SIGTERM");

  await stop(first.child, first.output);
  say("stopped cleanly (app and PostgreSQL ports closed, PostgreSQL shut down); starting again");

  const second = await start();
  if (second.output().includes("Seeded the demo project")) fail("the second start seeded again: data was not reused");
  // The test's own history: the release's data lists passing runs only when a check's list is opened.
  const history = await retried(() =>
    fetch(`${base}/api/v1/projects/demo/releases/v0.1.0/results/history?key=${encodeURIComponent(key)}`, { headers: { authorization: `Bearer ${token}` } }),
  );
  if (history.status !== 200) fail(`reading the result's history after restart gave ${history.status}`);
  const body = (await history.json()) as { runs?: { status: string }[] };
  if (body.runs?.length !== 1 || body.runs[0]!.status !== "passed") fail(`the result posted before the restart is gone: ${JSON.stringify(body).slice(0, 300)}`);
  say("after restart: the token still works and the result is still there");
  await stop(second.child, second.output);
  cleanUp();
  say("passed");
}

main().catch((error: Error) => fail(error.stack ?? error.message));
