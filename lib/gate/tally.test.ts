// Tallies kept up to date run by run must equal tallies counted from scratch, whatever the order
// runs arrive in; and the gate must decide the same from tallies as from every run.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyChange, checkPatterns, newerRun, placesOf, tallyChanges, tallyRuns, type CheckTally, type KeptRun } from "./tally";
import type { GateItem } from "./types";

const ENVIRONMENTS = ["staging", "production"];
const KEYS = ["tests/a.py::t1", "tests/a.py::t2", "tests/b.py::t1", "tests/smoke/c.py::t", "other/x.py::t"];

function check(key: string, patterns: string[], verifyOn?: string): GateItem {
  return {
    key,
    title: key,
    kind: "check",
    patterns,
    expect: "all-pass",
    allowFailures: 0,
    flaky: "pass",
    required: true,
    environments: [],
    section: "Pre-deploy",
    phase: "pre-deploy",
    ...(verifyOn ? { verifyOn } : {}),
  } as GateItem;
}

const ITEMS = [check("all", ["tests/"]), check("a-and-smoke", ["tests/a.py", "tests/smoke/*"]), check("after-staging", ["tests/"], "staging")];

const runArb: fc.Arbitrary<KeptRun> = fc.record({
  commitSha: fc.constantFrom("c1", "c1", "c0"),
  environment: fc.constantFrom("", "staging", "production"),
  variant: fc.constantFrom("", "", "chromium"),
  key: fc.constantFrom(...KEYS),
  status: fc.constantFrom("passed", "passed", "failed", "skipped", "flaky"),
  // Few distinct times, so that equal start times (and the arrival tie-break) happen often.
  at: fc.integer({ min: 0, max: 4 }),
  reportedAt: fc.integer({ min: 0, max: 4 }),
});

const byId = (tallies: CheckTally[]) =>
  Object.fromEntries(
    tallies
      .filter((t) => t.passed + t.failed + t.flaky + t.skipped > 0)
      .map((t) => [`${t.item} ${t.commitSha} ${t.place}`, t])
      .sort(([a], [b]) => (a! < b! ? -1 : 1)),
  );

describe("check tallies", () => {
  it("kept up to date batch by batch equal the tallies of every run at once", () => {
    const checks = checkPatterns(ITEMS);
    const places = placesOf(ITEMS, ENVIRONMENTS);
    fc.assert(
      fc.property(fc.array(fc.array(runArb, { maxLength: 6 }), { maxLength: 8 }), (batches) => {
        let kept: KeptRun[] = [];
        const tallies = new Map<string, CheckTally>();
        const all: KeptRun[] = [];
        for (const batch of batches) {
          // One report holds a key and variant once (the API refuses a second) for one environment and commit.
          const seen = new Set<string>();
          const report = batch.filter((r) => {
            const id = `${r.commitSha} ${r.environment} ${r.variant} ${r.key}`;
            return !seen.has(id) && seen.add(id);
          });
          const { kept: written, changes } = tallyChanges(checks, places, kept, report);
          for (const change of changes) {
            const id = `${change.item}\u0000${change.commitSha}\u0000${change.place}`;
            tallies.set(id, applyChange(tallies.get(id), change));
          }
          const replaced = new Set(written.map((r) => `${r.commitSha} ${r.environment} ${r.variant} ${r.key}`));
          kept = [...kept.filter((r) => !replaced.has(`${r.commitSha} ${r.environment} ${r.variant} ${r.key}`)), ...written];
          all.push(...report);
        }
        // From scratch: the latest run per slot, as ResultState keeps it; at the same instant the
        // worse status (docs/templates.md).
        const worse = ["failed", "flaky", "skipped", "passed"];
        const latest = new Map<string, KeptRun>();
        for (const r of all) {
          const id = `${r.commitSha} ${r.environment} ${r.variant} ${r.key}`;
          const current = latest.get(id);
          const tie = current !== undefined && r.at === current.at && r.reportedAt === current.reportedAt;
          if (!current || newerRun(r, current) || (tie && worse.indexOf(r.status) < worse.indexOf(current.status))) latest.set(id, r);
        }
        expect(byId([...tallies.values()])).toEqual(byId(tallyRuns(ITEMS, ENVIRONMENTS, [...latest.values()])));
      }),
      { numRuns: 3000 },
    );
  });

  it("counts a run reported for no environment in every environment, and only its own in a verifyOn place", () => {
    const runs: KeptRun[] = [
      { commitSha: "c1", environment: "", variant: "", key: "tests/a.py::t1", status: "passed", at: 1, reportedAt: 1 },
      { commitSha: "c1", environment: "staging", variant: "", key: "tests/a.py::t1", status: "failed", at: 2, reportedAt: 2 },
    ];
    const tallies = byId(tallyRuns(ITEMS, ENVIRONMENTS, runs));
    expect(tallies["all c1 staging"]).toMatchObject({ passed: 0, failed: 1, patterns: [1] });
    expect(tallies["all c1 production"]).toMatchObject({ passed: 1, failed: 0, patterns: [1] });
    expect(tallies["after-staging c1 =staging"]).toMatchObject({ passed: 0, failed: 1 });
    expect(tallies["after-staging c1 =production"]).toBeUndefined();
    expect(tallies["a-and-smoke c1 staging"]).toMatchObject({ failed: 1, patterns: [1, 0] });
  });

  it("does not count a skipped run toward any pattern, and keeps the newest covered run", () => {
    const runs: KeptRun[] = [{ commitSha: "c0", environment: "staging", variant: "", key: "tests/smoke/c.py::t", status: "skipped", at: 5, reportedAt: 6 }];
    expect(byId(tallyRuns(ITEMS, ENVIRONMENTS, runs))["a-and-smoke c0 staging"]).toEqual({
      item: "a-and-smoke",
      commitSha: "c0",
      place: "staging",
      passed: 0,
      failed: 0,
      flaky: 0,
      skipped: 1,
      patterns: [0, 0],
      newest: { at: 5, reportedAt: 6, runUrl: null },
    });
  });
});
