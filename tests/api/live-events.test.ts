// GET …/releases/{version}/events over HTTP: the release's changes pushed as server-sent events.
// Who may open it (as who may read the release; errors as JSON), what it looks like on the wire
// (unbuffered, uncompressed, with a retry hint), that every write the page shows arrives as an
// event and nothing else does, and, on an instance of the test's own with small settings,
// heartbeats and the per-instance cap on open streams (freed again when a client goes away).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openEventStream, type EventStream } from "../../scripts/lib/event-stream-client";
import { startApp, type RunningApp } from "../../scripts/lib/app-under-test";
import { releaseRow } from "../support/db-state";
import { makeProject, makeToken, makeUser, randomSha } from "../support/fixtures";
import { portBesideApp } from "../support/free-port";
import { api, baseUrl, signIn } from "../support/http";
import { person } from "../support/templates";
import { db } from "@/lib/db/client";
import { createRelease } from "@/lib/server/create-release";

const TEMPLATE = `name: live-checklist
sections:
  - title: Pre-deploy
    phase: pre-deploy
    items:
      - { key: smoke, title: Smoke tests, kind: check, patterns: ["tests/smoke/*"] }
      - { key: throughput, title: Throughput, kind: metric, metric: events_per_sec, operator: ">", threshold: 500 }
      - { key: ws-check, title: WebSocket check, kind: manual, role: engineer, steps: [first, second] }
`;

const system = { principal: { kind: "system" as const, label: "test-fixture" } };
const eventsPath = (slug: string, version: string) => `/api/v1/projects/${slug}/releases/${encodeURIComponent(version)}/events`;
const streams: EventStream[] = [];

async function watch(path: string, headers: Record<string, string> = {}, base = baseUrl()): Promise<EventStream> {
  const stream = await openEventStream(`${base}${path}`, headers);
  streams.push(stream);
  return stream;
}

afterAll(() => {
  for (const s of streams) s.close();
});

const changes = (s: EventStream, from = 0) => s.events.slice(from).filter((e) => e.type === "change").map((e) => JSON.parse(e.data).kind as string);

/** Waits until the stream stands and its instance listens (a `paused` first is followed by `resync`). */
async function ready(s: EventStream): Promise<void> {
  await expect.poll(() => s.retry, { timeout: 2_000 }).not.toBeNull();
  if (s.events.some((e) => e.type === "paused")) await s.waitFor((e) => e.type === "resync");
}

describe("who may watch a release", () => {
  it("is who may read it: 401 without credentials, 403 for a token without gate:read, 404 for outsiders and other projects' tokens, all as JSON", async () => {
    const p = await makeProject({ template: TEMPLATE });
    const other = await makeProject();
    const writeOnly = await makeToken(p.slug, ["results:write"]);
    const outsider = await makeUser(null, null, "outsider");
    const viewer = await makeUser(p.slug, "viewer");
    const path = eventsPath(p.slug, p.version);

    const cases: [string, Record<string, string>, number, string | null][] = [
      ["anonymous", {}, 401, "unauthorized"],
      ["malformed authorization", { authorization: "Basic abc" }, 401, "unauthorized"],
      ["revoked or unknown token", { authorization: "Bearer shp_nope" }, 401, "unauthorized"],
      ["token without gate:read", { authorization: `Bearer ${writeOnly}` }, 403, "forbidden"],
      ["another project's token", { authorization: `Bearer ${other.token}` }, 404, "not_found"],
      ["signed-in outsider", { cookie: await signIn(outsider.email, outsider.password) }, 404, "not_found"],
      ["viewer", { cookie: await signIn(viewer.email, viewer.password) }, 200, null],
      ["project token", { authorization: `Bearer ${p.token}` }, 200, null],
    ];
    for (const [who, headers, status, code] of cases) {
      const s = await watch(path, headers);
      expect({ who, status: s.status }).toEqual({ who, status });
      if (code) {
        expect(s.headers["content-type"], who).toMatch(/^application\/json/);
        expect(JSON.parse(s.body), who).toMatchObject({ error: { code, message: expect.any(String) } });
      } else expect(s.headers["content-type"], who).toMatch(/^text\/event-stream/);
      s.close();
    }
    expect((await watch(eventsPath(p.slug, "v9.9.9"), { authorization: `Bearer ${p.token}` })).status).toBe(404);
    expect((await watch(eventsPath("no-such-project", "v1"), { authorization: `Bearer ${p.token}` })).status).toBe(404);
  });
});

describe("the stream", () => {
  it("is unbuffered and uncompressed event-stream, keeps the API's security headers, and starts with a retry hint", async () => {
    const p = await makeProject({ template: TEMPLATE });
    const s = await watch(eventsPath(p.slug, p.version), { authorization: `Bearer ${p.token}`, "accept-encoding": "gzip, deflate, br" });
    expect(s.status).toBe(200);
    expect(s.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
    expect(s.headers["cache-control"]).toBe("no-cache, no-transform");
    expect(s.headers["x-accel-buffering"]).toBe("no");
    expect(s.headers["content-encoding"]).toBeUndefined();
    expect(s.headers["content-length"]).toBeUndefined();
    expect(s.headers["content-security-policy"]).toBe("default-src 'none'; sandbox");
    expect(s.headers["x-content-type-options"]).toBe("nosniff");
    expect(s.headers["x-request-id"]).toBeTruthy();
    // The first bytes come at once (a buffered stream would hold them back).
    await expect.poll(() => s.retry, { timeout: 2_000 }).toBe(2_000);
    expect(s.comments.map((c) => c.text)).toContain("connected");
  });

  it("carries every write the release page shows, in order, as the audit trail records them; failed writes and other releases' writes send nothing", async () => {
    const p = await makeProject({ template: TEMPLATE });
    const { projectId, releaseId } = await releaseRow(p.slug, p.version);
    const template = await db().template.findFirstOrThrow({ where: { projectId } });
    await createRelease(system, p.slug, { version: "v2.0.0", commit: randomSha(), template: template.name });
    const engineer = await person(p.slug, "engineer");
    const manager = await person(p.slug, "release-manager");
    const base = `/api/v1/projects/${p.slug}/releases/${p.version}`;

    const mine = await watch(eventsPath(p.slug, p.version), { cookie: engineer.headers.cookie! });
    const sibling = await watch(eventsPath(p.slug, "v2.0.0"), { authorization: `Bearer ${p.token}` });
    await Promise.all([ready(mine), ready(sibling)]);
    const [mineFrom, siblingFrom] = [mine.events.length, sibling.events.length];
    const { _max } = await db().auditEvent.aggregate({ _max: { id: true } });

    const expectStatus = async (call: Promise<{ status: number; body: unknown }>, status: number) => {
      const r = await call;
      expect(r.status, JSON.stringify(r.body)).toBe(status);
      return r.body as Record<string, unknown>;
    };
    // Refused: bad input changes nothing, so it announces nothing.
    await expectStatus(api(`${base}/results`, { token: p.token, json: { environment: "nowhere", results: [{ key: "tests/smoke/a.py::t", status: "passed" }] } }), 422);
    await expectStatus(api(`${base}/results`, { token: p.token, json: { environment: "staging", results: [{ key: "tests/smoke/a.py::t", status: "passed" }] } }), 201);
    await expectStatus(api(`${base}/metrics`, { token: p.token, json: { environment: "staging", metrics: [{ name: "events_per_sec", value: 812 }] } }), 201);
    await expectStatus(api(`${base}/items/ws-check/steps`, { json: { environment: "staging", step: 0, done: true }, headers: engineer.headers }), 200);
    await expectStatus(api(`${base}/items/ws-check/steps`, { json: { environment: "staging", step: 1, done: true }, headers: engineer.headers }), 200);
    const signOff = await expectStatus(api(`${base}/items/ws-check/signoffs`, { json: { environment: "staging" }, headers: engineer.headers }), 201);
    await expectStatus(api(`${base}/signoffs/${signOff.id}/revoke`, { json: { reason: "signed the wrong build" }, headers: manager.headers }), 200);
    await expectStatus(api(`/api/v1/projects/${p.slug}/lock`, { token: p.token, json: { reason: "incident 4711" } }), 201);
    await expectStatus(api(`/api/v1/projects/${p.slug}/lock`, { method: "DELETE", token: p.token }), 200);
    await expectStatus(api(base, { method: "PATCH", token: p.token, json: { commit: randomSha() } }), 200);
    // Writes to the other release reach its own stream only.
    await expectStatus(api(`/api/v1/projects/${p.slug}/releases/v2.0.0/results`, { token: p.token, json: { environment: "staging", results: [{ key: "tests/smoke/b.py::t", status: "failed" }] } }), 201);

    const expected = ["results.recorded", "metrics.recorded", "step.ticked", "step.ticked", "signoff.created", "signoff.revoked", "project.locked", "project.unlocked", "release.commit_changed"];
    await expect.poll(() => changes(mine, mineFrom), { timeout: 5_000 }).toEqual(expected);
    await expect.poll(() => changes(sibling, siblingFrom), { timeout: 5_000 }).toEqual(["project.locked", "project.unlocked", "results.recorded"]);
    // The same as the audit trail since the stream opened: the release's events and the project's own.
    const trail = await db().auditEvent.findMany({ where: { projectId, id: { gt: _max.id ?? 0 }, OR: [{ releaseId }, { releaseId: null }] }, orderBy: { id: "asc" } });
    expect(trail.map((e) => e.action)).toEqual(expected);
    // Nothing more trickles in afterwards.
    await new Promise((r) => setTimeout(r, 300));
    expect(changes(mine, mineFrom)).toEqual(expected);
  });
});

describe("an instance with a cap of 2 streams and a 1-second heartbeat", () => {
  let app: RunningApp | undefined;
  let p: Awaited<ReturnType<typeof makeProject>>;
  const log: string[] = [];

  beforeAll(async () => {
    p = await makeProject({ template: TEMPLATE });
    app = await startApp(process.cwd(), {
      port: portBesideApp(5),
      databaseUrl: process.env.DATABASE_URL!,
      say: () => undefined,
      extraEnv: { SHIPCHECK_MAX_EVENT_STREAMS: "2", SHIPCHECK_SSE_HEARTBEAT_SECONDS: "1" },
      output: (line) => log.push(line),
    });
  }, 180_000);

  afterAll(async () => {
    for (const s of streams) s.close();
    await app?.stop();
  }, 30_000);

  const auth = () => ({ authorization: `Bearer ${p.token}` });

  it("sends a heartbeat comment every second while nothing changes", async () => {
    const s = await watch(eventsPath(p.slug, p.version), auth(), app!.baseUrl);
    await expect.poll(() => s.comments.filter((c) => c.text === "heartbeat").length, { timeout: 4_000, interval: 100 }).toBeGreaterThanOrEqual(2);
    const beats = s.comments.filter((c) => c.text === "heartbeat").map((c) => c.at);
    expect(beats[1]! - beats[0]!).toBeGreaterThan(700);
    expect(beats[1]! - beats[0]!).toBeLessThan(1_500);
    s.close();
  });

  it("refuses a third open stream with 503 JSON and Retry-After, and takes one again once a client has gone", async () => {
    // The heartbeat test's stream was closed: its slot must be free again.
    const first = await watch(eventsPath(p.slug, p.version), auth(), app!.baseUrl);
    const second = await watch(eventsPath(p.slug, p.version), auth(), app!.baseUrl);
    expect([first.status, second.status]).toEqual([200, 200]);
    const third = await watch(eventsPath(p.slug, p.version), auth(), app!.baseUrl);
    expect(third.status).toBe(503);
    expect(third.headers["content-type"]).toMatch(/^application\/json/);
    expect(third.headers["retry-after"]).toBe("5");
    expect(JSON.parse(third.body)).toEqual({ error: { code: "service_unavailable", message: expect.stringContaining("limit of 2 live update streams") } });

    // A client that disconnects frees its slot: the server notices without writing to it.
    first.close();
    await expect
      .poll(
        async () => {
          const again = await watch(eventsPath(p.slug, p.version), auth(), app!.baseUrl);
          if (again.status !== 200) return again.status;
          return 200;
        },
        { timeout: 3_000, interval: 200 },
      )
      .toBe(200);
    // Both slots are taken again.
    expect((await watch(eventsPath(p.slug, p.version), auth(), app!.baseUrl)).status).toBe(503);
    expect(log.filter((l) => /unexpected error|Error:/.test(l))).toEqual([]);
  });

  it("hears writes made on another instance (the suite's app) through the database", async () => {
    for (const s of streams) s.close();
    await new Promise((r) => setTimeout(r, 300));
    const s = await watch(eventsPath(p.slug, p.version), auth(), app!.baseUrl);
    expect(s.status).toBe(200);
    await ready(s);
    const from = s.events.length;
    const posted = await api(`/api/v1/projects/${p.slug}/releases/${p.version}/results`, { token: p.token, json: { environment: "staging", results: [{ key: "tests/smoke/a.py::t", status: "passed" }] } });
    expect(posted.status).toBe(201);
    const event = await s.waitFor((e) => e.type === "change", from, 3_000);
    expect(JSON.parse(event.data)).toEqual({ kind: "results.recorded" });
  });
});
