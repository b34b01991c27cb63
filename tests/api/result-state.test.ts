// The gate reads the latest run per key that ingest keeps in ResultState, and the check tallies
// kept with it, not the whole history. Whatever order, commits, environments, variants and start
// times reports arrive with, the gate fed that state must decide exactly as the gate fed every
// result ever stored for the release, and the tallies must equal those counted from scratch.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { evaluateGate, evaluateItem, type GateResult } from "@/lib/gate";
import { keptResults, keptRunOf, tallyRuns } from "@/lib/gate/tally";
import { loadGateInput } from "@/lib/server/load-gate-input";
import { makeProject, randomSha } from "../support/fixtures";
import { api } from "../support/http";

const TEMPLATE = `name: state
sections:
  - title: Before
    phase: pre-deploy
    items:
      - { key: unit, title: Unit, kind: check, patterns: ["tests/unit/"] }
      - { key: smoke, title: Smoke, kind: check, patterns: ["tests/smoke/*", "tests/e2e/"], allowFailures: 1 }
      - { key: ws, title: WS on staging, kind: check, verifyOn: staging, patterns: ["tests/smoke/"] }
  - title: Rollback
    phase: rollback
    items:
      - { key: watch-smoke, title: Smoke after deploy, kind: watch, check: "tests/smoke/*" }
`;

const KEYS = ["tests/unit/a.py::test_1", "tests/unit/b.py::test_2", "tests/smoke/test_x.py::ok", "tests/smoke/test_y.py::ok[1]", "tests/e2e/login.spec.ts › signs in"];
const STATUSES = ["passed", "failed", "skipped", "flaky"] as const;

type Step =
  | { kind: "report"; commit: 0 | 1; environment: "staging" | "production" | null; startOffsetS: number | null; results: { key: number; status: number; variant: string | null }[] }
  | { kind: "deploy"; environment: "staging" | "production"; commit: 0 | 1 }
  | { kind: "rebuild"; commit: 0 | 1 }
  // As a release from before tallies: none kept; the next report counts them from scratch.
  | { kind: "untallied" };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({
    kind: fc.constant("report" as const),
    commit: fc.constantFrom(0 as const, 1 as const),
    environment: fc.constantFrom("staging" as const, "production" as const, null),
    // Start times out of order on purpose: an older run may arrive last.
    startOffsetS: fc.option(fc.integer({ min: -600, max: 0 }), { nil: null }),
    results: fc.uniqueArray(fc.record({ key: fc.nat(KEYS.length - 1), status: fc.nat(STATUSES.length - 1), variant: fc.constantFrom(null, null, "chromium") }), {
      minLength: 1,
      maxLength: 4,
      selector: (r) => `${r.key}/${r.variant}`,
    }),
  }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("deploy" as const), environment: fc.constantFrom("staging" as const, "production" as const), commit: fc.constantFrom(0 as const, 1 as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("rebuild" as const), commit: fc.constantFrom(0 as const, 1 as const) }) },
  { weight: 1, arbitrary: fc.constant({ kind: "untallied" as const }) },
);

async function replay(steps: Step[]) {
  const p = await makeProject({ template: TEMPLATE });
  const commits = [p.commit, randomSha()];
  const base = `/api/v1/projects/${p.slug}/releases/${p.version}`;
  const release = await db().release.findFirstOrThrow({ where: { version: p.version, project: { slug: p.slug } } });
  let run = 0;
  for (const step of steps) {
    if (step.kind === "report") {
      const startedAt = step.startOffsetS === null ? undefined : new Date(Date.now() + step.startOffsetS * 1000).toISOString();
      const response = await api(`${base}/results`, {
        token: p.token,
        json: {
          commit: commits[step.commit],
          ...(step.environment ? { environment: step.environment } : {}),
          run: { id: `run-${run++}`, ...(startedAt ? { startedAt } : {}) },
          results: step.results.map((r) => ({ key: KEYS[r.key], status: STATUSES[r.status], ...(r.variant ? { variant: r.variant } : {}) })),
        },
      });
      expect(response.status, JSON.stringify(response.body)).toBe(201);
    } else if (step.kind === "deploy") {
      // Straight into the table: this test is about what the gate reads, not the deploy rules.
      await db().deployment.create({ data: { releaseId: release.id, projectId: release.projectId, environment: step.environment, commitSha: commits[step.commit]!, deployedBy: "test" } });
    } else if (step.kind === "rebuild") {
      await db().release.update({ where: { id: release.id }, data: { commitSha: commits[step.commit]! } });
    } else {
      await db().checkTally.deleteMany({ where: { releaseId: release.id } });
      await db().release.update({ where: { id: release.id }, data: { tallied: false } });
    }
  }
  return release.id;
}

async function everyResult(releaseId: string): Promise<GateResult[]> {
  // In key order, as the loader gives them: the gate lists failing tests in the order it meets them.
  const rows = await db().result.findMany({ where: { releaseId }, orderBy: [{ key: "asc" }, { environment: { sort: "asc", nulls: "first" } }, { variant: { sort: "asc", nulls: "first" } }] });
  return rows.map((r) => ({ ...r, status: r.status as GateResult["status"] }));
}

describe("the gate reads ResultState", () => {
  it("decides as it would on every stored result, whatever order reports arrive in", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 14 }), async (steps) => {
        const releaseId = await replay(steps);
        const release = await db().release.findUniqueOrThrow({ where: { id: releaseId } });
        const environments = ["staging", "production"];
        const { input } = await loadGateInput(release, environments);
        const { input: kept } = await loadGateInput(release, environments, undefined, { results: "all" });
        const every = await everyResult(releaseId);
        const full = { ...input, results: every, tallies: undefined };
        if (release.tallied) {
          const stored = await db().checkTally.findMany({ where: { releaseId } });
          const scratch = tallyRuns(input.items, environments, keptResults(every).map(keptRunOf));
          const byId = <T extends { commitSha: string; item: string; place: string }>(rows: T[], f: (t: T) => unknown) =>
            Object.fromEntries(rows.map((t) => [`${t.item} ${t.commitSha} ${t.place}`, f(t)]).sort(([a], [b]) => (String(a) < String(b) ? -1 : 1)));
          const count = (t: { passed: number; failed: number; flaky: number; skipped: number; patterns: number[] }) => [t.passed, t.failed, t.flaky, t.skipped, t.patterns];
          expect(byId(stored.filter((t) => t.passed + t.failed + t.flaky + t.skipped > 0), (t) => [...count(t), t.newestAt, t.newestReportedAt])).toEqual(
            byId(scratch, (t) => [...count(t), t.newest?.at, t.newest?.reportedAt]),
          );
          // The failing kept runs, which the gate names, are known without reading the passing ones.
          const failingRows = await db().failingRun.findMany({ where: { releaseId } });
          const slot = (r: { commitSha: string; environment: string | null; variant?: string | null; key: string }) => `${r.commitSha} ${r.environment ?? ""} ${r.variant ?? ""} ${r.key}`;
          expect(failingRows.map(slot).sort()).toEqual(keptResults(every).filter((r) => r.status === "failed" || r.status === "flaky").map(slot).sort());
        }
        for (const environment of environments) {
          expect(evaluateGate(input, environment)).toEqual(evaluateGate(full, environment));
          expect(evaluateGate(kept, environment)).toEqual(evaluateGate(full, environment));
          for (const item of input.items) {
            const fromState = evaluateItem(item, input, environment);
            const fromAll = evaluateItem(item, full, environment);
            expect({ status: fromState.status, summary: fromState.summary, failures: fromState.failures }).toEqual({ status: fromAll.status, summary: fromAll.summary, failures: fromAll.failures });
          }
        }
      }),
      { numRuns: 60 },
    );
  }, 240_000);

  it("keeps the newer run when an older one arrives last", async () => {
    const p = await makeProject({ template: TEMPLATE });
    const base = `/api/v1/projects/${p.slug}/releases/${p.version}`;
    const key = "tests/unit/a.py::test_1";
    const post = (status: string, startedAt: Date) =>
      api(`${base}/results`, { token: p.token, json: { environment: "staging", run: { id: `r-${startedAt.getTime()}`, startedAt: startedAt.toISOString() }, results: [{ key, status }] } });
    expect((await post("failed", new Date())).status).toBe(201);
    // A retried upload of an older, passing run: it must not hide the newer failure.
    expect((await post("passed", new Date(Date.now() - 10 * 60_000))).status).toBe(201);
    const release = await db().release.findFirstOrThrow({ where: { version: p.version, project: { slug: p.slug } } });
    const { input } = await loadGateInput(release, ["staging", "production"], undefined, { results: "all" });
    expect(input.results.filter((r) => r.key === key).map((r) => r.status)).toEqual(["failed"]);
    expect(evaluateGate(input, "staging").blocking.find((b) => b.item === "unit")?.reason).toBe("failed");
  });

  it("keeps one row per test however often it runs", async () => {
    const p = await makeProject({ template: TEMPLATE });
    const base = `/api/v1/projects/${p.slug}/releases/${p.version}`;
    for (let run = 0; run < 5; run++) {
      const results = KEYS.map((key) => ({ key, status: run % 2 ? "failed" : "passed" }));
      expect((await api(`${base}/results`, { token: p.token, json: { environment: "staging", run: { id: `r${run}` }, results } })).status).toBe(201);
    }
    const release = await db().release.findFirstOrThrow({ where: { version: p.version, project: { slug: p.slug } } });
    expect(await db().result.count({ where: { releaseId: release.id } })).toBe(5 * KEYS.length);
    const state = await db().resultState.findMany({ where: { releaseId: release.id } });
    expect(state).toHaveLength(KEYS.length);
    // The last run (run 4) passed everything.
    expect(new Set(state.map((s) => s.status))).toEqual(new Set(["passed"]));
  });

  it("keeps the tallies right when reports for the same keys arrive at once, for one environment and for none", async () => {
    const p = await makeProject({ template: TEMPLATE });
    const base = `/api/v1/projects/${p.slug}/releases/${p.version}`;
    const environments = [null, "staging", "production"] as const;
    const posts = Array.from({ length: 24 }, (_, i) =>
      api(`${base}/results`, {
        token: p.token,
        json: {
          ...(environments[i % 3] ? { environment: environments[i % 3] } : {}),
          run: { id: `burst-${i}` },
          results: KEYS.map((key, k) => ({ key, status: STATUSES[(i + k) % STATUSES.length] })),
        },
      }),
    );
    for (const response of await Promise.all(posts)) expect(response.status, JSON.stringify(response.body)).toBe(201);
    const release = await db().release.findFirstOrThrow({ where: { version: p.version, project: { slug: p.slug } } });
    const { input } = await loadGateInput(release, ["staging", "production"]);
    const scratch = tallyRuns(input.items, ["staging", "production"], keptResults(await everyResult(release.id)).map(keptRunOf));
    const stored = await db().checkTally.findMany({ where: { releaseId: release.id } });
    const counts = (t: { item: string; place: string; passed: number; failed: number; flaky: number; skipped: number; patterns: number[] }) => `${t.item} ${t.place} ${t.passed}/${t.failed}/${t.flaky}/${t.skipped} [${t.patterns}]`;
    expect(stored.map(counts).sort()).toEqual(scratch.map(counts).sort());
    for (const environment of ["staging", "production"]) {
      expect(evaluateGate(input, environment)).toEqual(evaluateGate({ ...input, results: await everyResult(release.id), tallies: undefined }, environment));
    }
  }, 60_000);
});
