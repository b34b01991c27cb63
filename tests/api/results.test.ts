// CI results and metrics over HTTP: which commit and which run counts, untrusted text kept as
// given, unmatched keys reported back, one audit event per delivery.
import { describe, expect, it } from "vitest";
import { hashToken } from "@/lib/auth/tokens";
import { db } from "@/lib/db/client";
import { makeProject, randomSha } from "../support/fixtures";
import { api } from "../support/http";
import { auditEventsWhere, releaseRow } from "../support/db-state";

type Project = Awaited<ReturnType<typeof makeProject>>;

const base = (p: Project) => `/api/v1/projects/${p.slug}/releases/${p.version}`;
const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000).toISOString();

const post = (p: Project, body: unknown, headers?: Record<string, string>) => api(`${base(p)}/results`, { token: p.token, json: body, headers });

async function gate(p: Project, environment = "staging") {
  const response = await api(`${base(p)}/gate?environment=${environment}`, { token: p.token });
  expect(response.status).toBe(200);
  return response.body as { open: boolean; blocking: { item: string; reason: string; detail: string }[] };
}
const blocker = async (p: Project, item: string, environment = "staging") => (await gate(p, environment)).blocking.find((b) => b.item === item);

async function itemState(p: Project, key: string, environment = "staging") {
  const release = await api(base(p), { token: p.token });
  expect(release.status).toBe(200);
  const item = release.body.sections.flatMap((s: { items: unknown[] }) => s.items).find((i: { key: string }) => i.key === key);
  return item.environments[environment];
}

describe("which results count", () => {
  it("results for another commit are accepted (201) but don't count: countsForRelease false, the gate still closed, saying stale", async () => {
    const p = await makeProject();
    const before = await gate(p);
    const other = randomSha();
    const response = await post(p, { environment: "staging", commit: other, results: [{ key: "tests/smoke/test_a.py::test_ok", status: "passed" }] });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ accepted: 1, commit: other, countsForRelease: false });
    const after = await gate(p);
    expect(after.open).toBe(false);
    expect(after.blocking.map((b: { item: string }) => b.item)).toEqual(before.blocking.map((b: { item: string }) => b.item));
    expect(await blocker(p, "smoke-tests")).toMatchObject({ reason: "stale", detail: `tested on ${other.slice(0, 7)}, release is now ${p.commit.slice(0, 7)}` });

    const { releaseId } = await releaseRow(p.slug, p.version);
    expect(await db().result.count({ where: { releaseId, commitSha: other } })).toBe(1);
  });

  it("the release's commit in upper case counts for the release", async () => {
    const p = await makeProject();
    const upper = await post(p, { environment: "staging", commit: p.commit.toUpperCase(), results: [{ key: "tests/smoke/test_a.py::test_ok", status: "passed" }] });
    expect(upper.status).toBe(201);
    expect(upper.body).toMatchObject({ commit: p.commit, countsForRelease: true });
    expect(await blocker(p, "smoke-tests")).toBeUndefined();
  });

  it("a short SHA that prefixes the release's commit counts as that commit", async () => {
    const p = await makeProject();
    const short = await post(p, { environment: "staging", commit: p.commit.slice(0, 7), results: [{ key: "tests/smoke/test_a.py::test_ok", status: "passed" }] });
    expect(short.status).toBe(201);
    expect(short.body).toMatchObject({ commit: p.commit, countsForRelease: true });
    expect(await blocker(p, "smoke-tests")).toBeUndefined();
  });

  it("an older run posted after a newer failing one does not flip the item to passed; a newer passing run does", async () => {
    const p = await makeProject();
    const key = "tests/smoke/test_login.py::test_ok";
    const newerFailing = await post(p, { environment: "staging", run: { id: "2", startedAt: minutesAgo(5) }, results: [{ key, status: "failed", message: "timeout" }] });
    expect(newerFailing.status).toBe(201);
    const olderPassing = await post(p, { environment: "staging", run: { id: "1", startedAt: minutesAgo(30) }, results: [{ key, status: "passed" }] });
    expect(olderPassing.status).toBe(201);
    expect(olderPassing.body.gate.staging.blocking).toContainEqual(expect.objectContaining({ item: "smoke-tests", reason: "failed" }));
    expect(await blocker(p, "smoke-tests")).toMatchObject({ reason: "failed", detail: "1 of 1 tests failed" });
    expect((await itemState(p, "smoke-tests")).failures).toEqual([{ key, message: "timeout" }]);

    // Both runs are kept; the gate chose by the producer's timestamp, not by arrival.
    const { releaseId } = await releaseRow(p.slug, p.version);
    expect(await db().result.count({ where: { releaseId, key } })).toBe(2);

    const newestPassing = await post(p, { environment: "staging", run: { id: "3", startedAt: minutesAgo(1) }, results: [{ key, status: "passed" }] });
    expect(newestPassing.status).toBe(201);
    expect(await blocker(p, "smoke-tests")).toBeUndefined();
  });

  it("without run timestamps, the later delivery wins", async () => {
    const p = await makeProject();
    const key = "tests/smoke/test_login.py::test_ok";
    await post(p, { environment: "staging", results: [{ key, status: "passed" }] });
    await post(p, { environment: "staging", results: [{ key, status: "failed", message: "boom" }] });
    expect(await blocker(p, "smoke-tests")).toMatchObject({ reason: "failed" });
  });

  it("results without an environment count for every environment; with one, for that one only", async () => {
    const p = await makeProject();
    await post(p, { results: [{ key: "tests/smoke/test_a.py::test_ok", status: "passed" }] });
    expect(await blocker(p, "smoke-tests", "staging")).toBeUndefined();
    expect(await blocker(p, "smoke-tests", "production")).toBeUndefined();

    const q = await makeProject();
    await post(q, { environment: "production", results: [{ key: "tests/smoke/test_a.py::test_ok", status: "passed" }] });
    expect(await blocker(q, "smoke-tests", "production")).toBeUndefined();
    expect(await blocker(q, "smoke-tests", "staging")).toMatchObject({ reason: "pending" });
  });

  it("skipped results alone leave a check pending, never passed", async () => {
    const p = await makeProject();
    await post(p, { environment: "staging", results: [{ key: "tests/smoke/test_a.py::test_ok", status: "skipped" }] });
    expect(await blocker(p, "smoke-tests")).toMatchObject({ reason: "pending", detail: "no result yet (1 skipped)" });
  });
});

describe("untrusted text", () => {
  it("a failure message with markup comes back verbatim in the release JSON", async () => {
    const p = await makeProject();
    const message = `<script>alert(1)</script>\n<img src=x onerror="alert('x')"> & &amp; \u202Eevil\u202C "quoted" \\ ${"\u{1F4A5}"}`;
    const key = "tests/smoke/test_<img src=x onerror=alert(1)>.py::test_\"x\"&amp;";
    const response = await post(p, { environment: "staging", results: [{ key, status: "failed", message }] });
    expect(response.status).toBe(201);

    const release = await api(base(p), { token: p.token });
    expect(release.headers.get("content-type")).toMatch(/^application\/json/);
    const state = (release.body.sections as { items: { key: string; environments: Record<string, { failures: unknown[]; results: { key: string }[] }> }[] }[])
      .flatMap((s) => s.items)
      .find((i) => i.key === "smoke-tests")!.environments.staging!;
    expect(state.failures).toEqual([{ key, message }]);
    expect(state.results.map((r) => r.key)).toEqual([key]);
    const { releaseId } = await releaseRow(p.slug, p.version);
    expect((await db().result.findFirstOrThrow({ where: { releaseId, key } })).message).toBe(message);
  });
});

describe("the ingest report", () => {
  it("lists the keys no item matched, and counts what each item got", async () => {
    const p = await makeProject();
    const response = await post(p, {
      environment: "staging",
      results: [
        { key: "tests/smoke/test_a.py::test_ok", status: "passed" },
        { key: "tests/unit/test_math.py::test_add", status: "passed" },
        { key: "tests/smoke/test_b.py::test_ok", status: "passed" },
        { key: "integration/test_db.py::test_conn", status: "failed" },
        { key: "Tests/Smoke/test_c.py::test_case", status: "passed" },
      ],
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      accepted: 5,
      countsForRelease: true,
      unmatched: ["tests/unit/test_math.py::test_add", "integration/test_db.py::test_conn", "Tests/Smoke/test_c.py::test_case"],
      unmatchedCount: 3,
    });
    // The smoke pattern and the rollback watch item both look at tests/smoke/*.
    expect(response.body.matched).toEqual(expect.arrayContaining([{ item: "smoke-tests", results: 2 }]));
    expect(Object.keys(response.body.gate)).toEqual(["staging"]);
  });

  it("lists at most 100 unmatched keys but counts them all", async () => {
    const p = await makeProject();
    const results = Array.from({ length: 150 }, (_, i) => ({ key: `other/test_${i}`, status: "passed" }));
    const response = await post(p, { results });
    expect(response.status).toBe(201);
    expect(response.body.unmatched).toHaveLength(100);
    expect(response.body.unmatchedCount).toBe(150);
    expect(Object.keys(response.body.gate)).toEqual(["staging", "production"]);
  });

  it("each delivery leaves exactly one results.recorded audit event, with the request id and the token", async () => {
    const p = await makeProject();
    const requestId = `req-${randomSha().slice(0, 12)}`;
    const response = await post(p, { environment: "staging", results: [{ key: "tests/smoke/test_a.py::test_ok", status: "passed" }, { key: "x/y", status: "failed" }] }, { "x-request-id": requestId });
    expect(response.status).toBe(201);
    expect(response.headers.get("x-request-id")).toBe(requestId);
    const events = await auditEventsWhere(p.slug, p.version, "results.recorded", "delivery", response.body.delivery);
    expect(events).toHaveLength(1);
    const token = await db().apiToken.findUniqueOrThrow({ where: { hash: hashToken(p.token) } });
    expect(events[0]).toMatchObject({ requestId, actorToken: token.id, actorUserId: null, after: expect.objectContaining({ count: 2, commit: p.commit, environment: "staging" }) });
    const { releaseId } = await releaseRow(p.slug, p.version);
    expect(await db().result.count({ where: { releaseId, deliveryId: response.body.delivery } })).toBe(2);
  });
});

describe("metrics", () => {
  it("Shipcheck judges the threshold: 412 blocks, 812 later passes; one audit event each", async () => {
    const p = await makeProject();
    const low = await api(`${base(p)}/metrics`, { token: p.token, json: { environment: "staging", metrics: [{ name: "events_per_sec", value: 412, unit: "events/s" }, { name: "p99_ms", value: 80 }] } });
    expect(low.status).toBe(201);
    expect(low.body).toMatchObject({ accepted: 2, countsForRelease: true, unmatched: ["p99_ms"] });
    expect(await blocker(p, "event-throughput")).toMatchObject({ reason: "metric", detail: "events_per_sec 412 events/s is not > 500 events/s" });

    const high = await api(`${base(p)}/metrics`, { token: p.token, json: { environment: "staging", metrics: [{ name: "events_per_sec", value: 812 }] } });
    expect(high.status).toBe(201);
    expect(await blocker(p, "event-throughput")).toBeUndefined();
    for (const r of [low, high]) expect(await auditEventsWhere(p.slug, p.version, "metrics.recorded", "delivery", r.body.delivery)).toHaveLength(1);
  });

  it("a metric for another commit is accepted but does not count", async () => {
    const p = await makeProject();
    const response = await api(`${base(p)}/metrics`, { token: p.token, json: { environment: "staging", commit: randomSha(), metrics: [{ name: "events_per_sec", value: 9000 }] } });
    expect(response.status).toBe(201);
    expect(response.body.countsForRelease).toBe(false);
    expect(await blocker(p, "event-throughput")).toMatchObject({ reason: "stale" });
  });
});
