// Each way the gate once opened wrongly, end to end over HTTP (docs/templates.md, the rules marked
// "new"), and the verifyOn flow: done on staging after its deploy, gating production.
import { describe, expect, it } from "vitest";
import { releaseCounts } from "../support/db-state";
import { expectApiError } from "../support/errors";
import { makeProject, randomSha } from "../support/fixtures";
import { api } from "../support/http";
import { person, putTemplate } from "../support/templates";

type Project = Awaited<ReturnType<typeof makeProject>>;
type Blocker = { item: string; reason: string; detail: string; failures?: { key: string; message: string | null }[]; moreFailures?: number };
type Gate = { open: boolean; overridden: boolean; blocking: Blocker[] };

const base = (p: Project, version = p.version) => `/api/v1/projects/${p.slug}/releases/${version}`;

/** A one-section template around the given items (YAML, indented as list entries). */
function template(items: string, extra = ""): string {
  return `name: truth
sections:
  - title: Before deploying
    phase: pre-deploy
    items:
${items}
${extra}`;
}

const check = (key: string, patterns: string[], more = "") =>
  `      - key: ${key}\n        title: ${key}\n        kind: check\n        patterns: ${JSON.stringify(patterns)}\n${more}`;

type Result = { key: string; status: string; message?: string };

function post(p: Project, results: Result[], extra: Record<string, unknown> = {}) {
  return api(`${base(p)}/results`, { token: p.token, json: { results, ...extra } });
}

async function gate(p: Project, environment = "staging"): Promise<Gate> {
  const response = await api(`${base(p)}/gate?environment=${environment}`, { token: p.token });
  expect(response.status).toBe(200);
  return response.body as Gate;
}

const OVERRIDE_REASON = "hotfix for the outage, the smoke suite is down";

describe("false opens that must stay closed", () => {
  it("a failing test whose parameter holds a '/' is covered by tests/smoke/*", async () => {
    const p = await makeProject({ template: template(check("smoke", ["tests/smoke/*"])) });
    const posted = await post(p, [
      { key: "tests/smoke/test_ok.py::test_ok", status: "passed" },
      { key: "tests/smoke/test_api.py::test_get[/login]", status: "failed", message: "AssertionError: 500 != 200\ntraceback…" },
    ]);
    expect(posted.status).toBe(201);
    expect(posted.body.unmatchedCount).toBe(0);
    const g = await gate(p);
    expect(g.open).toBe(false);
    expect(g.blocking).toEqual([
      expect.objectContaining({ item: "smoke", reason: "failed", failures: [{ key: "tests/smoke/test_api.py::test_get[/login]", message: "AssertionError: 500 != 200" }], moreFailures: 0 }),
    ]);
  });

  it("a file glob covers the file's tests, next to another passing pattern", async () => {
    const p = await makeProject({ template: template(check("tests", ["tests/unit/", "tests/smoke/*.py"])) });
    await post(p, [
      { key: "tests/unit/test_a.py::test_a", status: "passed" },
      { key: "tests/smoke/test_x.py::test_y", status: "failed" },
    ]);
    expect((await gate(p)).blocking).toEqual([expect.objectContaining({ item: "tests", reason: "failed" })]);
  });

  it("a function's node id covers its parametrizations (pytest, JUnit 5, nested classes, Go sub-tests)", async () => {
    const patterns = ["tests/x.py::test_events", "com.example.CounterTest::increments", "com.example.CheckoutTest", "example.com/cart::TestCart"];
    const p = await makeProject({ template: template(check("ids", patterns)) });
    const passing = ["tests/x.py::test_events[agent_started]", "com.example.CounterTest::increments(int, int)[1]", "com.example.CheckoutTest$Cart::adds", "example.com/cart::TestCart/adds"];
    const posted = await post(p, passing.map((key) => ({ key, status: "passed" })));
    expect(posted.body.unmatchedCount).toBe(0);
    expect((await gate(p)).open).toBe(true);
    for (const key of ["tests/x.py::test_events[agent_completed]", "com.example.CounterTest::increments(int, int)[2]", "com.example.CheckoutTest$Cart$Deep::removes", "example.com/cart::TestCart/removes"]) {
      const q = await makeProject({ template: template(check("ids", patterns)) });
      await post(q, [...passing.map((k) => ({ key: k, status: "passed" })), { key, status: "failed" }]);
      expect((await gate(q)).blocking, key).toEqual([expect.objectContaining({ item: "ids", reason: "failed" })]);
    }
  });

  it("a guarded path naming several checks needs each of them on the commit", async () => {
    const guarded = `guardedPaths:
  - path: app/registry.py
    checks: ["tests/mission_critical/", "tests/integration/test_ws.py"]`;
    const p = await makeProject({ template: template(check("unit", ["tests/unit/"]), guarded) });
    const commit = randomSha();
    const created = await api(`/api/v1/projects/${p.slug}/releases`, { token: p.token, json: { version: "v2.0.0", commit, template: "truth", changedFiles: ["app/registry.py"] } });
    expect(created.status).toBe(201);
    const q = { ...p, version: "v2.0.0" };
    await post(q, [
      { key: "tests/unit/test_a.py::t", status: "passed" },
      { key: "tests/mission_critical/test_ws.py::test_events", status: "passed" },
    ]);
    const closed = await gate(q);
    expect(closed.open).toBe(false);
    expect(closed.blocking).toEqual([expect.objectContaining({ reason: "pending", detail: "no result for `tests/integration/test_ws.py`" })]);
    await post(q, [{ key: "tests/integration/test_ws.py::test_connect", status: "passed" }]);
    expect((await gate(q)).open).toBe(true);
  });

  it("a run dated in the future is refused with 422 and stores nothing, so later failures count", async () => {
    const p = await makeProject({ template: template(check("smoke", ["tests/smoke/"])) });
    const before = await releaseCounts(p.slug, p.version);
    const future = await post(p, [{ key: "tests/smoke/a.py::t", status: "passed" }], { run: { startedAt: "9999-12-31T23:59:59Z" } });
    expect(expectApiError(future, 422, "validation_failed").message).toMatch(/run\.startedAt .*more than 5 minutes after/);
    const tenMinutes = await post(p, [{ key: "tests/smoke/a.py::t", status: "passed" }], { run: { startedAt: new Date(Date.now() + 10 * 60_000).toISOString() } });
    expectApiError(tenMinutes, 422, "validation_failed");
    const yearZero = await post(p, [{ key: "tests/smoke/a.py::t", status: "passed" }], { run: { startedAt: "0000-01-01T00:00:00Z" } });
    expect(expectApiError(yearZero, 422, "validation_failed").message).toContain("outside the years 1970 to 9999");
    expect(await releaseCounts(p.slug, p.version)).toEqual(before);

    // A clock a minute ahead is fine; a real failure reported later still counts.
    const ahead = await post(p, [{ key: "tests/smoke/a.py::t", status: "passed" }], { run: { startedAt: new Date(Date.now() + 60_000).toISOString() } });
    expect(ahead.status).toBe(201);
    await post(p, [{ key: "tests/smoke/a.py::t", status: "failed" }], { run: { startedAt: new Date(Date.now() + 90_000).toISOString() } });
    expect((await gate(p)).blocking).toEqual([expect.objectContaining({ reason: "failed" })]);
  });

  it("an override of staging does not satisfy production's 'staging first'; production needs its own", async () => {
    const p = await makeProject({ template: template(check("smoke", ["tests/smoke/"])) });
    const admin = await person(p.slug, "admin");
    await post(p, [{ key: "tests/smoke/a.py::t", status: "failed" }], { environment: "staging" });
    await post(p, [{ key: "tests/smoke/a.py::t", status: "passed" }], { environment: "production" });
    expect((await api(`${base(p)}/overrides`, { json: { environment: "staging", reason: OVERRIDE_REASON }, headers: admin.headers })).status).toBe(201);
    expect(await gate(p, "staging")).toMatchObject({ open: true, overridden: true });
    const production = await gate(p, "production");
    expect(production.open).toBe(false);
    expect(production.blocking).toEqual([
      expect.objectContaining({ item: "environment:staging", reason: "previous-environment", detail: "staging was opened by an override, not by its checklist (1 blocking)" }),
    ]);
    expect((await api(`${base(p)}/overrides`, { json: { environment: "production", reason: OVERRIDE_REASON }, headers: admin.headers })).status).toBe(201);
    expect(await gate(p, "production")).toMatchObject({ open: true, overridden: true });
  });

  it("flaky: block is not tolerated by allowFailures, and the reason says flaky", async () => {
    const p = await makeProject({ template: template(check("smoke", ["tests/smoke/"], "        flaky: block\n        allowFailures: 3\n")) });
    await post(p, [
      { key: "tests/smoke/a.py::t", status: "flaky" },
      { key: "tests/smoke/b.py::t", status: "passed" },
    ]);
    const g = await gate(p);
    expect(g.open).toBe(false);
    expect(g.blocking).toEqual([expect.objectContaining({ reason: "flaky", detail: expect.stringContaining("flaky") })]);
  });

  it("overridden turns false once the checklist is satisfied (the badge is no longer amber)", async () => {
    const p = await makeProject({ template: template(check("smoke", ["tests/smoke/"])) });
    const admin = await person(p.slug, "admin");
    await post(p, [{ key: "tests/smoke/a.py::t", status: "failed" }]);
    await api(`${base(p)}/overrides`, { json: { environment: "staging", reason: OVERRIDE_REASON }, headers: admin.headers });
    expect(await gate(p)).toMatchObject({ open: true, overridden: true });
    await post(p, [{ key: "tests/smoke/a.py::t", status: "passed" }]);
    expect(await gate(p)).toMatchObject({ open: true, overridden: false, blocking: [] });
    const badge = await api(`${base(p)}/badge.svg?environment=staging`, { token: p.token });
    expect(String(badge.body)).not.toMatch(/overridden/i);
  });
});

describe("reasons people can act on", () => {
  it("a count expectation with failures and too few results says both", async () => {
    const p = await makeProject({ template: template(check("final", ["tests/final.py"], "        expect: { count: 5 }\n")) });
    await post(p, [
      { key: "tests/final.py::a", status: "failed" },
      { key: "tests/final.py::b", status: "passed" },
    ]);
    expect((await gate(p)).blocking).toEqual([expect.objectContaining({ reason: "failed", detail: "1 of 2 tests failed; 2 of 5 expected tests reported" })]);
  });

  it("after a rebuild, checks and metrics say stale with the old commit", async () => {
    const metric = `      - key: throughput\n        title: throughput\n        kind: metric\n        metric: events_per_sec\n        operator: ">"\n        threshold: 500\n`;
    const p = await makeProject({ template: template(check("smoke", ["tests/smoke/"]) + metric) });
    await post(p, [{ key: "tests/smoke/a.py::t", status: "passed" }]);
    await api(`${base(p)}/metrics`, { token: p.token, json: { metrics: [{ name: "events_per_sec", value: 812 }] } });
    expect((await gate(p)).open).toBe(true);
    expect((await api(base(p), { method: "PATCH", token: p.token, json: { commit: randomSha() } })).status).toBe(200);
    const old = p.commit.slice(0, 7);
    expect((await gate(p)).blocking).toEqual([
      expect.objectContaining({ item: "smoke", reason: "stale", detail: expect.stringContaining(`tested on ${old}`) }),
      expect.objectContaining({ item: "throughput", reason: "stale", detail: expect.stringContaining(`measured on ${old}`) }),
    ]);
  });
});

describe("verifyOn: done on staging after its deploy, gating production", () => {
  const verified = `      - key: ws-events\n        title: All 5 WS events on staging\n        kind: manual\n        verifyOn: staging\n`;

  it("staging opens without it; it is signed once, on staging, after the deploy there; then production opens", async () => {
    const p = await makeProject({ template: template(verified) });
    const manager = await person(p.slug, "release-manager");
    const signOff = (environment: string) => api(`${base(p)}/items/ws-events/signoffs`, { json: { environment, comment: "all 5 events seen" }, headers: manager.headers });

    expect(await gate(p, "staging")).toMatchObject({ open: true, blocking: [] });
    expect((await gate(p, "production")).blocking).toEqual([expect.objectContaining({ item: "ws-events", reason: "approvals", detail: expect.stringContaining("record the deploy to staging first") })]);

    expect(expectApiError(await signOff("staging"), 409, "conflict").message).toContain("record the deploy");
    expect(expectApiError(await signOff("production"), 422, "validation_failed").message).toContain("sign it off for staging");

    expect((await api(`${base(p)}/deployments`, { token: p.token, json: { environment: "staging" } })).status).toBe(201);
    expect((await signOff("staging")).status).toBe(201);
    expect(await gate(p, "production")).toMatchObject({ open: true, overridden: false });
    expect((await api(`${base(p)}/deployments`, { token: p.token, json: { environment: "production" } })).status).toBe(201);

    const release = await api(base(p), { token: p.token });
    const item = release.body.sections[0].items[0];
    expect(item).toMatchObject({ key: "ws-events", verifyOn: "staging" });
    expect(item.environments.production.signOffs).toHaveLength(1);
    expect(item.environments.staging.gating).toBe(false);
    expect(item.environments.production.gating).toBe(true);
  });

  it("a check verified on staging counts the run that arrived after the deploy, even when an earlier arrival says it started later", async () => {
    const p = await makeProject({ template: template(check("post-deploy", ["tests/post_deploy/"], "        verifyOn: staging\n")) });
    const key = "tests/post_deploy/test_ws.py::test_events";
    // Before the deploy: a run whose clock is ahead. It does not count for the verification.
    await post(p, [{ key, status: "failed" }], { environment: "staging", run: { startedAt: new Date(Date.now() + 4 * 60_000).toISOString() } });
    expect((await api(`${base(p)}/deployments`, { token: p.token, json: { environment: "staging" } })).status).toBe(201);
    expect((await gate(p, "production")).blocking).toEqual([expect.objectContaining({ item: "post-deploy", reason: "pending" })]);
    await post(p, [{ key, status: "passed" }], { environment: "staging", run: { startedAt: new Date().toISOString() } });
    expect(await gate(p, "production")).toMatchObject({ open: true, blocking: [] });
    await post(p, [{ key, status: "failed" }], { environment: "staging", run: { startedAt: new Date(Date.now() + 1000).toISOString() } });
    expect((await gate(p, "production")).blocking).toEqual([expect.objectContaining({ item: "post-deploy", reason: "failed" })]);
  });

  it("a template whose verifyOn names no environment, or the last one, is refused with 422", async () => {
    const p = await makeProject({ template: template(check("smoke", ["tests/smoke/"])) });
    const admin = await person(p.slug, "admin");
    for (const env of ["qa", "production"]) {
      const refused = await putTemplate(p.slug, "truth", template(verified.replace("verifyOn: staging", `verifyOn: ${env}`)), admin);
      const error = expectApiError(refused, 422, "validation_failed");
      expect(error.details?.[0]?.path).toBe("sections.0.items.0.verifyOn");
    }
  });
});
