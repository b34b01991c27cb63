// Reads that stay small and cheap however large a release grows: entity tags with 304, gates
// stored with their revision for lists, and a check's results a page at a time.
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { listReleases } from "@/lib/server/list-releases";
import { makeProject, makeUser, randomSha } from "../support/fixtures";
import { api, baseUrl, signIn } from "../support/http";

const base = (p: { slug: string; version: string }) => `/api/v1/projects/${p.slug}/releases/${p.version}`;
const smoke = (i: number, status = "passed") => ({ key: `tests/smoke/test_${String(i).padStart(4, "0")}.py::test_ok`, status, ...(status === "failed" ? { message: `boom ${i}` } : {}) });

type ItemState = { failures: unknown[]; failureCount: number; results: { key: string; status: string }[]; resultCount: number; resultCounts: Record<string, number>; lastRun: { at: string } | null };
const smokeState = (body: { sections: { items: { key: string; environments: Record<string, ItemState> }[] }[] }) =>
  body.sections.flatMap((s) => s.items).find((i) => i.key === "smoke-tests")!.environments.staging!;

describe("entity tags", () => {
  it("the gate answers 304 to its own tag until something changes, then 200 with a new tag", async () => {
    const p = await makeProject();
    const url = `${base(p)}/gate?environment=staging`;
    const first = await api(url, { token: p.token });
    expect(first.status).toBe(200);
    const tag = first.headers.get("etag")!;
    expect(tag).toMatch(/^W\/".+"$/);
    expect(first.headers.get("cache-control")).toBe("private, no-cache");
    const again = await api(url, { token: p.token, headers: { "if-none-match": tag } });
    expect(again.status).toBe(304);
    expect(again.body).toBeNull();
    expect(again.headers.get("etag")).toBe(tag);

    expect((await api(`${base(p)}/results`, { token: p.token, json: { environment: "staging", results: [smoke(1)] } })).status).toBe(201);
    const changed = await api(url, { token: p.token, headers: { "if-none-match": tag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(tag);
    // Another environment's gate has its own tag.
    expect((await api(`${base(p)}/gate?environment=production`, { token: p.token })).headers.get("etag")).not.toBe(changed.headers.get("etag"));
  });

  it("the release answers 304 until it changes, and its tag depends on who asks", async () => {
    const p = await makeProject();
    const first = await api(base(p), { token: p.token });
    const tag = first.headers.get("etag")!;
    expect((await api(base(p), { token: p.token, headers: { "if-none-match": tag } })).status).toBe(304);

    const viewer = await makeUser(p.slug, "viewer");
    const cookie = await signIn(viewer.email, viewer.password);
    const asViewer = await api(base(p), { headers: { cookie, "if-none-match": tag } });
    expect(asViewer.status).toBe(200);
    expect(asViewer.headers.get("etag")).not.toBe(tag);

    // A sign-off, a lock or a new release of the project each change it.
    expect((await api(`${base(p)}/metrics`, { token: p.token, json: { environment: "staging", metrics: [{ name: "events_per_sec", value: 600 }] } })).status).toBe(201);
    const afterMetric = await api(base(p), { token: p.token, headers: { "if-none-match": tag } });
    expect(afterMetric.status).toBe(200);
    const tag2 = afterMetric.headers.get("etag")!;
    expect((await api(`/api/v1/projects/${p.slug}/releases`, { token: p.token, json: { version: "v9.9.9", commit: "c".repeat(40), template: p.template } })).status).toBe(201);
    expect((await api(base(p), { token: p.token, headers: { "if-none-match": tag2 } })).status).toBe(200);
  });

  it("never answers 304 to someone who may not read the release", async () => {
    const p = await makeProject();
    const other = await makeProject();
    const tag = (await api(`${base(p)}/gate?environment=staging`, { token: p.token })).headers.get("etag")!;
    const refused = await api(`${base(p)}/gate?environment=staging`, { token: other.token, headers: { "if-none-match": tag } });
    // Another project's token is told the release does not exist, tag or no tag.
    expect(refused.status).toBe(404);
    expect((await api(`${base(p)}/gate?environment=staging`, { headers: { "if-none-match": "*" } })).status).toBe(401);
  });
});

describe("stored gates", () => {
  it("a new release's gates are stored when it is created, so no list or overview evaluates it first", async () => {
    const p = await makeProject();
    const created = await api(`/api/v1/projects/${p.slug}/releases`, { token: p.token, json: { version: "v1.1.0", commit: "c".repeat(40), template: p.template } });
    expect(created.status).toBe(201);
    const { id: releaseId } = await db().release.findFirstOrThrow({ where: { version: "v1.1.0", project: { slug: p.slug } } });
    const stored = await db().releaseGateState.findUniqueOrThrow({ where: { releaseId } });
    expect((stored.gates as { environment: string; open: boolean }[]).map((g) => [g.environment, g.open])).toEqual([["staging", false], ["production", false]]);
    await listReleases({ principal: { kind: "system", label: "test" } }, p.slug);
    expect((await db().releaseGateState.findUniqueOrThrow({ where: { releaseId } })).evaluatedAt).toEqual(stored.evaluatedAt);
  });

  it("lists show each change to a gate at once, and are evaluated again only after a change", async () => {
    const p = await makeProject();
    // What the project page lists (it calls this use case; there is no list route).
    const list = async () => (await listReleases({ principal: { kind: "system", label: "test" } }, p.slug)).releases[0]!.gates[0]!;
    expect((await list()).blocking.map((b) => b.item)).toContain("smoke-tests");
    const { id: releaseId } = await db().release.findFirstOrThrow({ where: { version: p.version, project: { slug: p.slug } } });
    const stored = await db().releaseGateState.findUniqueOrThrow({ where: { releaseId } });
    // Nothing changed: the stored gates are read, not evaluated and written again.
    await list();
    expect((await db().releaseGateState.findUniqueOrThrow({ where: { releaseId } })).evaluatedAt).toEqual(stored.evaluatedAt);

    expect((await api(`${base(p)}/results`, { token: p.token, json: { environment: "staging", results: [smoke(1)] } })).status).toBe(201);
    expect((await list()).blocking.map((b) => b.item)).not.toContain("smoke-tests");
    // A project-level change (a deploy lock) reaches every release's stored gates.
    const lock = await api(`/api/v1/projects/${p.slug}/lock`, { token: p.token, json: { reason: "incident" } });
    expect([200, 201]).toContain(lock.status);
    expect((await list()).blocking.map((b) => b.item)).toContain("project-lock");
  });
});

describe("a check's results, a page at a time", () => {
  it("the release carries at most 50 of each, with counts; the rest page through GET …/items/{key}/results", async () => {
    const p = await makeProject();
    const results = Array.from({ length: 180 }, (_, i) => smoke(i, i % 3 === 0 ? "failed" : i % 10 === 1 ? "skipped" : "passed"));
    expect((await api(`${base(p)}/results`, { token: p.token, json: { environment: "staging", results } })).status).toBe(201);
    const state = smokeState((await api(base(p), { token: p.token })).body);
    expect(state.resultCount).toBe(180);
    expect(state.resultCounts).toEqual({ failed: 60, skipped: 12, flaky: 0, passed: 108 });
    expect(state.results).toHaveLength(50);
    expect(state.results.every((r) => r.status === "failed")).toBe(true);
    expect(state.failures).toHaveLength(50);
    expect(state.failureCount).toBe(60);
    expect(state.lastRun).not.toBeNull();

    const page = (query: string) => api(`${base(p)}/items/smoke-tests/results?${query}`, { token: p.token });
    const seen: string[] = [];
    for (let offset = 0; ; offset += 70) {
      const r = await page(`environment=staging&offset=${offset}&limit=70`);
      expect(r.status).toBe(200);
      expect(r.body.total).toBe(180);
      seen.push(...(r.body.results as { key: string }[]).map((x) => x.key));
      if (r.body.results.length < 70) break;
    }
    expect(new Set(seen).size).toBe(180);
    const failed = await page("environment=staging&status=failed&limit=500");
    expect(failed.body.total).toBe(60);

    for (const [query, status] of [
      ["", 422],
      ["environment=qa", 422],
      ["environment=staging&limit=501", 422],
      ["environment=staging&offset=-1", 422],
      ["environment=staging&limit=ten", 422],
      ["environment=staging&status=green", 422],
    ] as const) {
      const r = await page(query);
      expect(r.status, query).toBe(status);
      expect(r.body.error.code, query).toBe("validation_failed");
    }
    expect((await api(`${base(p)}/items/no-such-item/results?environment=staging`, { token: p.token })).status).toBe(404);
    const other = await makeProject();
    expect((await api(`${base(p)}/items/smoke-tests/results?environment=staging`, { token: other.token })).status).toBe(404);
    expect(baseUrl()).toBeTruthy();
  });
});

describe("a release with 10,000 tests", () => {
  it("its data stays small: counts from the tallies, the failing tests by name, the passing ones when the list is opened", async () => {
    const p = await makeProject();
    const results = Array.from({ length: 10_000 }, (_, i) => smoke(i, i % 1000 === 7 ? "failed" : "passed"));
    const run = { id: "big-run", url: "https://ci.example.com/runs/big" };
    expect((await api(`${base(p)}/results`, { token: p.token, json: { environment: "staging", run, results } })).status).toBe(201);
    const response = await api(base(p), { token: p.token });
    expect(response.status).toBe(200);
    expect(Buffer.byteLength(JSON.stringify(response.body))).toBeLessThan(200 * 1024);
    const state = smokeState(response.body);
    expect(state.resultCount).toBe(10_000);
    expect(state.resultCounts).toEqual({ passed: 9_990, failed: 10, flaky: 0, skipped: 0 });
    expect(state.failureCount).toBe(10);
    expect(state.results.map((r) => r.status)).toEqual(Array(10).fill("failed"));
    expect(state.lastRun).toMatchObject({ runUrl: run.url });
    const passing = await api(`${base(p)}/items/smoke-tests/results?environment=staging&status=passed&limit=500`, { token: p.token });
    expect(passing.body.total).toBe(9_990);
    expect(passing.body.results).toHaveLength(500);
  }, 60_000);
});

describe("where releases stand per environment", () => {
  it("each environment says deployed, rolled back or its gate, and the list filters by deployed to and not yet deployed to", async () => {
    const p = await makeProject();
    const { deployToStaging } = await import("../support/flow");
    const { manager } = await deployToStaging(p);
    const create = (version: string) => api(`/api/v1/projects/${p.slug}/releases`, { token: p.token, json: { version, commit: randomSha(), template: p.template } });
    expect((await create("v1.1.0")).status).toBe(201);
    expect((await create("v1.2.0")).status).toBe(201);
    // v1.1.0 goes to staging too, and is then rolled back there to v1.0.0.
    await deployToStaging({ ...p, version: "v1.1.0", commit: (await db().release.findFirstOrThrow({ where: { version: "v1.1.0", project: { slug: p.slug } } })).commitSha }, { manager });
    const rolledBack = await api(`${base({ slug: p.slug, version: "v1.1.0" })}/rollback-decisions`, {
      json: { environment: "staging", decision: "rolled_back", toVersion: p.version, reason: "errors after the deploy" },
      headers: manager.headers,
    });
    expect(rolledBack.status, JSON.stringify(rolledBack.body)).toBe(201);

    const system = { principal: { kind: "system" as const, label: "test" } };
    const list = async (filter: Parameters<typeof listReleases>[2] = {}) => (await listReleases(system, p.slug, filter)).releases;
    const standing = (await list()).map((r) => [r.version, r.environments.map((e) => [e.environment, e.deployedAt !== null, e.rolledBackAt !== null, e.gate.open])]);
    expect(standing).toEqual([
      ["v1.2.0", [["staging", false, false, false], ["production", false, false, false]]],
      ["v1.1.0", [["staging", true, true, true], ["production", false, false, false]]],
      // Rolled back to: deployed to staging again, and no rollback of its own.
      ["v1.0.0", [["staging", true, false, true], ["production", false, false, false]]],
    ]);
    const versions = async (filter: Parameters<typeof listReleases>[2]) => (await list(filter)).map((r) => r.version);
    expect(await versions({ deployedTo: "staging" })).toEqual(["v1.1.0", "v1.0.0"]);
    expect(await versions({ notDeployedTo: "staging" })).toEqual(["v1.2.0"]);
    expect(await versions({ deployedTo: "staging", notDeployedTo: "production" })).toEqual(["v1.1.0", "v1.0.0"]);
    expect(await versions({ deployedTo: "production" })).toEqual([]);
    expect(await versions({ deployedTo: "staging", status: "rolled_back" })).toEqual(["v1.1.0"]);
    // An environment the project does not have: nothing was deployed there.
    expect(await versions({ deployedTo: "qa" })).toEqual([]);
    expect(await versions({ notDeployedTo: "qa" })).toEqual(["v1.2.0", "v1.1.0", "v1.0.0"]);
  });
});
