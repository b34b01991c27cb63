// Guarded paths over HTTP: a release whose changed files touch one (with overlapping lines when CI
// sends line ranges) gets the guard's checks added to its gate, and they block until they pass.
import { describe, expect, it } from "vitest";
import { makeProject, randomSha } from "../support/fixtures";
import { api } from "../support/http";
import { auditEvents } from "../support/db-state";
import { gate, importMarkdown, putTemplate, realChecklist, releaseItems } from "../support/templates";

type Project = Awaited<ReturnType<typeof makeProject>>;

const REGISTRY = "netra_backend/app/agents/supervisor/agent_registry.py";
const REGISTRY_KEY = "guarded-netra-backend-app-agents-supervisor-agent-registry-py";
const NOTIFIER = "netra_backend/app/agents/supervisor/websocket_notifier.py";
const TOOLS = "netra_backend/app/agents/enhanced_tool_execution.py";

/** A project whose "netra" template is the team's checklist, imported over the API. */
async function netraProject(): Promise<Project> {
  const p = await makeProject();
  const imported = await importMarkdown(p.slug, "netra", await realChecklist(), p, { save: true });
  expect(imported.status).toBe(201);
  return p;
}

async function createRelease(p: Project, version: string, changedFiles?: unknown[], template = "netra") {
  const commit = randomSha();
  const response = await api(`/api/v1/projects/${p.slug}/releases`, {
    token: p.token,
    json: { version, commit, template, ...(changedFiles ? { changedFiles } : {}) },
  });
  expect(response.status).toBe(201);
  return commit;
}

const guardedItems = async (p: Project, version: string) => (await releaseItems(p.slug, version, p.token)).items.filter((i) => i.key.startsWith("guarded-"));

async function postResults(p: Project, version: string, commit: string, startedAt: string, results: { key: string; status: string; message?: string }[]) {
  const response = await api(`/api/v1/projects/${p.slug}/releases/${version}/results`, {
    token: p.token,
    json: { environment: "staging", commit, run: { id: startedAt, startedAt }, results },
  });
  expect(response.status).toBe(201);
}

describe("a change to a guarded path", () => {
  it("adds a blocking check naming the file, which passes once the mission critical results pass", async () => {
    const p = await netraProject();
    const commit = await createRelease(p, "v1.8.0", [REGISTRY, "README.md"]);

    const { items, body } = await releaseItems(p.slug, "v1.8.0", p.token);
    const guarded = items.filter((i) => i.key.startsWith("guarded-"));
    expect(guarded).toHaveLength(1);
    expect(guarded[0]).toMatchObject({
      key: REGISTRY_KEY,
      kind: "check",
      section: "Guarded paths changed",
      phase: "pre-deploy",
      title: `Guarded path changed: ${REGISTRY} (lines 126-141)`,
    });
    expect(guarded[0]!.instructions).toContain(REGISTRY);
    expect(guarded[0]!.instructions).toContain("tests/mission_critical/");
    // Added after the template's own items, which are all still there.
    expect(items.at(-1)!.key).toBe(REGISTRY_KEY);
    expect(body.sections.at(-1).title).toBe("Guarded paths changed");

    const closed = await gate(p.slug, "v1.8.0", p.token);
    expect(closed.blocking).toContainEqual({ item: REGISTRY_KEY, title: guarded[0]!.title, reason: "pending", detail: "no result yet" });
    // Every environment's gate carries it.
    expect((await gate(p.slug, "v1.8.0", p.token, "production")).blocking.map((b) => b.item)).toContain(REGISTRY_KEY);

    // A result outside the guard's checks does not satisfy it.
    await postResults(p, "v1.8.0", commit, "2025-09-01T10:00:00Z", [{ key: "tests/unit/test_registry.py::test_ok", status: "passed" }]);
    expect((await gate(p.slug, "v1.8.0", p.token)).blocking).toContainEqual(expect.objectContaining({ item: REGISTRY_KEY, reason: "pending" }));

    // A failing mission critical test keeps it blocked, now as failed.
    await postResults(p, "v1.8.0", commit, "2025-09-01T11:00:00Z", [
      { key: "tests/mission_critical/test_final_validation.py::test_events", status: "failed", message: "agent_completed missing" },
      { key: "tests/mission_critical/test_final_validation.py::test_order", status: "passed" },
    ]);
    expect((await gate(p.slug, "v1.8.0", p.token)).blocking).toContainEqual(expect.objectContaining({ item: REGISTRY_KEY, reason: "failed" }));

    // A later run where they pass is not enough while other named checks have not run.
    await postResults(
      p,
      "v1.8.0",
      commit,
      "2025-09-01T12:00:00Z",
      ["test_events", "test_order", "test_thinking", "test_tools", "test_completed"].map((t) => ({ key: `tests/mission_critical/test_final_validation.py::${t}`, status: "passed" })),
    );
    expect((await gate(p.slug, "v1.8.0", p.token)).blocking).toContainEqual(
      expect.objectContaining({ item: REGISTRY_KEY, reason: "pending", detail: expect.stringContaining("no result for `tests/mission_critical/test_websocket_agent_events_suite.py::TestRegressionPrevention`") }),
    );
    // Each named check passed on the commit clears it.
    await postResults(p, "v1.8.0", commit, "2025-09-01T12:30:00Z", [
      { key: "tests/mission_critical/test_websocket_agent_events_suite.py::TestRegressionPrevention::test_events_sent", status: "passed" },
      { key: "tests/mission_critical/test_websocket_events_advanced.py::TestPerformanceBenchmarks::test_high_frequency_event_throughput", status: "passed" },
    ]);
    const after = await gate(p.slug, "v1.8.0", p.token);
    expect(after.blocking.map((b) => b.item)).not.toContain(REGISTRY_KEY);
    const state = await releaseItems(p.slug, "v1.8.0", p.token);
    const item = state.body.sections.at(-1).items[0];
    expect(item.key).toBe(REGISTRY_KEY);
    expect(item.environments.staging.status).toBe("passed");
    // Passed on staging only: production has no results yet.
    expect(item.environments.production.status).toBe("pending");
  });

  it("line ranges must overlap the guarded lines (126-141); outside them nothing is added", async () => {
    const p = await netraProject();
    const cases: { lines: { from: number; to: number }[]; guarded: boolean }[] = [
      { lines: [{ from: 1, to: 20 }, { from: 200, to: 210 }], guarded: false },
      { lines: [{ from: 142, to: 300 }], guarded: false },
      { lines: [{ from: 100, to: 125 }], guarded: false },
      { lines: [{ from: 140, to: 150 }], guarded: true },
      { lines: [{ from: 141, to: 141 }], guarded: true },
      { lines: [{ from: 100, to: 126 }], guarded: true },
      { lines: [{ from: 1, to: 2 }, { from: 130, to: 131 }], guarded: true },
      { lines: [{ from: 1, to: 1000 }], guarded: true },
    ];
    for (const [i, { lines, guarded }] of cases.entries()) {
      const version = `v2.0.${i}`;
      await createRelease(p, version, [{ path: REGISTRY, lines }]);
      const keys = (await guardedItems(p, version)).map((g) => g.key);
      expect({ lines, keys }).toEqual({ lines, keys: guarded ? [REGISTRY_KEY] : [] });
      const blocking = (await gate(p.slug, version, p.token)).blocking.map((b) => b.item);
      expect(blocking.includes(REGISTRY_KEY)).toBe(guarded);
    }
  });

  it("no changed files, or only unrelated ones, add nothing; the audit says which guards were hit", async () => {
    const p = await netraProject();
    const plain = await releaseItems(p.slug, p.version, p.token);
    await createRelease(p, "v3.0.0");
    await createRelease(p, "v3.0.1", []);
    await createRelease(p, "v3.0.2", ["README.md", "netra_backend/app/agents/supervisor/agent_registry.py.bak", "other/netra_backend/app/agents/supervisor/agent_registry.py"]);
    const baseline = (await releaseItems(p.slug, "v3.0.0", p.token)).items.map((i) => i.key);
    expect(baseline.some((k) => k.startsWith("guarded-"))).toBe(false);
    for (const version of ["v3.0.1", "v3.0.2"]) {
      expect((await releaseItems(p.slug, version, p.token)).items.map((i) => i.key)).toEqual(baseline);
    }
    // The demo template (no guarded paths) is not affected by changed files either.
    expect(plain.items.some((i) => i.key.startsWith("guarded-"))).toBe(false);
    await createRelease(p, "v3.0.3", [REGISTRY], p.template);
    expect(await guardedItems(p, "v3.0.3")).toEqual([]);

    const [event] = await auditEvents(p.slug, "v3.0.2", "release.created");
    expect(event!.after).toMatchObject({ changedFiles: 3, guardedPathsHit: [] });
  });

  it("several guards hit at once each add their own item; './' prefixes and guards without lines count", async () => {
    const p = await netraProject();
    await createRelease(p, "v4.0.0", [
      { path: `./${TOOLS}`, lines: [{ from: 5, to: 9 }] },
      NOTIFIER,
      { path: REGISTRY, lines: [{ from: 130, to: 135 }] },
    ]);
    const guarded = await guardedItems(p, "v4.0.0");
    // In the template's order of guards, each naming its file.
    expect(guarded.map((g) => g.title)).toEqual([
      `Guarded path changed: ${REGISTRY} (lines 126-141)`,
      `Guarded path changed: ${TOOLS}`,
      `Guarded path changed: ${NOTIFIER}`,
    ]);
    expect(new Set(guarded.map((g) => g.key)).size).toBe(3);
    const blocking = (await gate(p.slug, "v4.0.0", p.token)).blocking.map((b) => b.item);
    for (const g of guarded) expect(blocking).toContain(g.key);
    const [event] = await auditEvents(p.slug, "v4.0.0", "release.created");
    expect(event!.after).toMatchObject({ changedFiles: 3, guardedPathsHit: [REGISTRY, TOOLS, NOTIFIER] });
  });

  it("a glob guard matches nested files, and its key never collides with a template item's", async () => {
    const p = await makeProject();
    const template = `name: guarded
sections:
  - title: Checks
    phase: pre-deploy
    items:
      - key: guarded-src-db
        title: An item whose key looks like a guard's
        kind: check
        patterns: ["tests/db/*"]
guardedPaths:
  - path: "src/db/**"
    note: schema and migrations
    checks: ["tests/db/"]
`;
    expect((await putTemplate(p.slug, "guarded", template, p)).status).toBe(201);
    const commit = await createRelease(p, "v5.0.0", ["src/db/migrations/0042_add_index.sql"], "guarded");
    const items = (await releaseItems(p.slug, "v5.0.0", p.token)).items;
    expect(items.map((i) => i.key)).toEqual(["guarded-src-db", "guarded-src-db-2"]);
    expect(items[1]).toMatchObject({ title: "Guarded path changed: src/db/**", section: "Guarded paths changed" });
    expect(items[1]!.instructions).toContain("src/db/migrations/0042_add_index.sql");
    expect(items[1]!.instructions).toContain("schema and migrations");

    await createRelease(p, "v5.0.1", ["src/api/routes.py"], "guarded");
    expect((await guardedItems(p, "v5.0.1")).map((i) => i.key)).toEqual(["guarded-src-db"]);

    // Both the template's item and the guard's pass on the same tests/db results.
    await postResults(p, "v5.0.0", commit, "2025-09-01T12:00:00Z", [{ key: "tests/db/test_migrations.py::test_up", status: "passed" }]);
    expect((await gate(p.slug, "v5.0.0", p.token)).open).toBe(true);
  });
});
