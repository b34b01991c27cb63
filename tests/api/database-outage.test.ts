// PostgreSQL stops under load and comes back: every answer meanwhile is 503 with Retry-After and
// the JSON error shape (never 500), the app answers again without a restart, every result that
// got 201 is stored, none twice; pages meanwhile get the outage page (503), then the release again.
// Also: clients that abort their uploads are not logged as errors.
//
// The app and its PostgreSQL are this test's own (an embedded server it may stop), not the suite's.
import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setUpAppRole } from "@/lib/db/app-role";
import { disconnectDb } from "@/lib/db/client";
import { startEmbeddedPostgres, type RunningPostgres } from "@/lib/db/embedded";
import { applyMigrations } from "@/lib/db/migrate";
import { OUTAGE_HOLD_MS } from "@/lib/db/outage";
import { startApp, type RunningApp } from "../../scripts/lib/app-under-test";
import { freePort } from "../support/free-port";

const OUTAGE_MS = 5_000;
const WORKERS = 4;
const RECOVERY_LIMIT_MS = 30_000;

type Outcome = { phase: "before" | "outage" | "after"; kind: "post" | "gate" | "page"; status: number; retryAfter: string | null; body: unknown; key?: string };

const dataRoot = path.join(os.tmpdir(), `shipcheck-outage-${randomBytes(4).toString("hex")}`);
const log: string[] = [];
let postgres: RunningPostgres | undefined;
let app: RunningApp | undefined;
let databaseUrl = "";
let project = { slug: "", version: "v1.0.0", commit: "", token: "" };
let viewer = { email: "", password: "" };
let viewerCookie = "";
const savedDatabaseUrl = process.env.DATABASE_URL;

const startPostgres = (port: number) => startEmbeddedPostgres({ dataDir: path.join(dataRoot, "pg"), port, database: "shipcheck_outage" });

beforeAll(async () => {
  const [pgPort, appPort] = await Promise.all([freePort(), freePort()]);
  postgres = await startPostgres(pgPort);
  databaseUrl = postgres.databaseUrl;
  await applyMigrations(databaseUrl);
  const appRole = await setUpAppRole(databaseUrl);

  // The fixtures write through this process's Prisma client: point it at this test's database.
  await disconnectDb();
  process.env.DATABASE_URL = databaseUrl;
  const { makeProject, makeUser } = await import("../support/fixtures");
  project = await makeProject();
  viewer = await makeUser(project.slug, "viewer");
  await disconnectDb();
  process.env.DATABASE_URL = savedDatabaseUrl;

  app = await startApp(process.cwd(), {
    port: appPort,
    databaseUrl: appRole.databaseUrl,
    say: () => undefined,
    extraEnv: { SHIPCHECK_RATE_LIMIT_PER_MINUTE: "1000000" },
    output: (line) => log.push(line),
  });
  const { signIn } = await import("../support/http");
  viewerCookie = await signIn(viewer.email, viewer.password, app.baseUrl);
}, 180_000);

afterAll(async () => {
  await app?.stop();
  await postgres?.stop();
  await rm(dataRoot, { recursive: true, force: true });
}, 60_000);

const release = () => `${app!.baseUrl}/api/v1/projects/${project.slug}/releases/${project.version}`;
const resultBody = (key: string) => JSON.stringify({ environment: "staging", commit: project.commit, results: [{ key: `tests/outage/${key}.py::test`, status: "passed" }] });

async function postResult(key: string): Promise<{ status: number; retryAfter: string | null; body: unknown }> {
  const response = await fetch(`${release()}/results`, {
    method: "POST",
    headers: { authorization: `Bearer ${project.token}`, "content-type": "application/json", "idempotency-key": key },
    body: resultBody(key),
    signal: AbortSignal.timeout(20_000),
  });
  return { status: response.status, retryAfter: response.headers.get("retry-after"), body: await response.json().catch(() => "not JSON") };
}

async function getGate(): Promise<{ status: number; retryAfter: string | null; body: unknown }> {
  const response = await fetch(`${release()}/gate?environment=staging`, { headers: { authorization: `Bearer ${project.token}` }, signal: AbortSignal.timeout(20_000) });
  return { status: response.status, retryAfter: response.headers.get("retry-after"), body: await response.json().catch(() => "not JSON") };
}

/** The release page as a signed-in viewer sees it; a 307 back to itself (the outage found while rendering) is followed once. */
async function getPage(): Promise<{ status: number; retryAfter: string | null; body: unknown }> {
  const path = `/projects/${project.slug}/releases/${project.version}`;
  const get = () => fetch(`${app!.baseUrl}${path}`, { headers: { cookie: viewerCookie }, redirect: "manual", signal: AbortSignal.timeout(20_000) });
  let response = await get();
  if (response.status === 307 && response.headers.get("location") === path) {
    await response.arrayBuffer();
    response = await get();
  }
  const html = await response.text();
  return { status: response.status, retryAfter: response.headers.get("retry-after"), body: response.status === 503 ? (html.includes("Shipcheck cannot reach its database") ? "outage page" : html.slice(0, 300)) : response.status };
}

describe("a database outage under load", () => {
  it("is 503 with Retry-After while PostgreSQL is down, recovers by itself, and loses or doubles no accepted result", async () => {
    const outcomes: Outcome[] = [];
    let phase: Outcome["phase"] = "before";
    let stop = false;
    let sequence = 0;
    const worker = async (id: number) => {
      while (!stop) {
        const current = phase;
        if (sequence % 6 === 5) {
          sequence++;
          const r = await getPage().catch((e: Error) => ({ status: 0, retryAfter: null, body: e.message }));
          outcomes.push({ phase: current, kind: "page", ...r });
        } else if (sequence % 3 === 2) {
          sequence++;
          const r = await getGate().catch((e: Error) => ({ status: 0, retryAfter: null, body: e.message }));
          outcomes.push({ phase: current, kind: "gate", ...r });
        } else {
          const key = `w${id}-${sequence++}-${randomBytes(3).toString("hex")}`;
          const r = await postResult(key).catch((e: Error) => ({ status: 0, retryAfter: null, body: e.message }));
          outcomes.push({ phase: current === phase ? current : "outage", kind: "post", key, ...r });
        }
        if (phase === "outage") await new Promise((r) => setTimeout(r, 20));
      }
    };
    const workers = Array.from({ length: WORKERS }, (_, i) => worker(i));

    // At least 2 s of normal service, and until a result got in (a loaded machine answers slowly).
    const before = Date.now();
    while (Date.now() - before < 2_000 || (!outcomes.some((o) => o.status === 201) && Date.now() - before < 30_000)) {
      await new Promise((r) => setTimeout(r, 100));
    }
    phase = "outage";
    const pgPort = postgres!.port;
    await postgres!.stop();
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    postgres = await startPostgres(pgPort);
    const restarted = Date.now();
    let recoveredAfterMs: number | null = null;
    while (Date.now() - restarted < RECOVERY_LIMIT_MS) {
      const probe = await getGate().catch(() => null);
      if (probe?.status === 200) {
        recoveredAfterMs = Date.now() - restarted;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    phase = "after";
    await new Promise((r) => setTimeout(r, OUTAGE_HOLD_MS + 2_000));
    stop = true;
    await Promise.all(workers);

    const count = (p: Outcome["phase"]) => {
      const byStatus: Record<string, number> = {};
      for (const o of outcomes.filter((x) => x.phase === p)) byStatus[o.status] = (byStatus[o.status] ?? 0) + 1;
      return byStatus;
    };
    console.info(`outage test: before ${JSON.stringify(count("before"))}, outage ${JSON.stringify(count("outage"))}, after ${JSON.stringify(count("after"))}, recovered ${recoveredAfterMs} ms after PostgreSQL restarted`);

    // Never a 500, never no answer; everything not 2xx is 503 with Retry-After and the error shape.
    expect(outcomes.filter((o) => o.status === 0 || o.status >= 500 && o.status !== 503).map((o) => `${o.kind} ${o.status} ${JSON.stringify(o.body)}`)).toEqual([]);
    const unavailable = outcomes.filter((o) => o.status === 503);
    expect(unavailable.length).toBeGreaterThan(0);
    for (const o of unavailable) {
      expect(Number(o.retryAfter)).toBeGreaterThan(0);
      if (o.kind === "page") expect(o.body).toBe("outage page");
      else expect(o.body).toEqual({ error: { code: "service_unavailable", message: expect.any(String) } });
    }
    // Pages too: the outage page while it lasted, the release again afterwards, no restart.
    expect(unavailable.filter((o) => o.kind === "page").length).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o.kind === "page" && o.phase === "after" && o.status === 200).length).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o.status !== 503 && (o.status < 200 || o.status >= 300)).map((o) => `${o.phase} ${o.kind} ${o.status} ${JSON.stringify(o.body)}`)).toEqual([]);
    expect(outcomes.filter((o) => o.phase === "before" && o.status === 201).length).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o.phase === "after" && o.status === 201).length).toBeGreaterThan(0);
    expect(recoveredAfterMs).not.toBeNull();

    // A 503 may hide a commit whose answer was lost: the client retries with the same key.
    const posts = outcomes.filter((o) => o.kind === "post");
    for (const o of posts.filter((p) => p.status === 503)) expect((await postResult(o.key!)).status).toBe(201);

    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ key: string; n: number }>(`SELECT key, count(*)::int AS n FROM "Result" WHERE key LIKE 'tests/outage/%' GROUP BY key`);
      const stored = new Map(rows.map((r) => [r.key, r.n]));
      for (const o of posts) expect(stored.get(`tests/outage/${o.key}.py::test`), o.key).toBe(1);
      expect(rows.length).toBe(posts.length);
    } finally {
      await client.end();
    }
    expect(log.filter((line) => /unexpected error/.test(line))).toEqual([]);
  }, 120_000);

  it("logs a client that aborts its upload as one short line, not an error with a stack", async () => {
    const before = log.length;
    const url = new URL(`${release()}/results`);
    const ABORTS = 10;
    for (let i = 0; i < ABORTS; i++) {
      await new Promise<void>((resolve) => {
        const socket = net.connect(Number(url.port), url.hostname, () => {
          socket.write(
            `POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${project.token}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"results":[`,
          );
          setTimeout(() => socket.destroy(), 300);
        });
        socket.on("close", () => resolve());
        socket.on("error", () => resolve());
      });
    }
    await new Promise((r) => setTimeout(r, 1_500));
    const lines = log.slice(before);
    // Logs are JSON lines: an error would be level 50 with its stack inside.
    expect(lines.filter((line) => /unexpected error|"level":50|^\s+at /.test(line))).toEqual([]);
    expect(lines.filter((line) => /client closed the request/.test(line)).length).toBeLessThanOrEqual(ABORTS);
    expect((await getGate()).status).toBe(200);
  }, 60_000);
});
