// Check tallies: what a check item needs of a place's latest runs, in numbers. Ingest keeps them
// up to date as runs arrive (lib/server/check-tallies.ts applies `tallyChanges`), so the gate reads
// O(items + failing tests) instead of one row per test (docs/decisions/019). Pure: no database.
import { patternMatches } from "./match";
import type { GateInput, GateItem, GateResult, ResultStatus } from "./types";

/** When a run happened by the gate's rule: the producer's start time, else its arrival. */
export type RunTime = { at: number; reportedAt: number };

/** The newest covered run: when, and its CI run's address (the page links it). */
export type NewestRun = RunTime & { runUrl: string | null };

export type CheckTally = {
  item: string;
  commitSha: string;
  /**
   * Whose runs: an environment name E counts runs reported for E or for no environment (how a
   * check gating E reads them); "=V" counts only runs reported for V (a `verifyOn: V` check).
   */
  place: string;
  passed: number;
  failed: number;
  flaky: number;
  skipped: number;
  /** Per pattern, in the item's order: how many covered runs count (are not skipped). */
  patterns: number[];
  /** The newest covered run, whatever its status: names the commit a stale check was tested on. */
  newest: NewestRun | null;
};

/** The latest run kept per commit, reported environment ("" for none), variant and key. */
export type KeptRun = { commitSha: string; environment: string; variant: string; key: string; status: ResultStatus; at: number; reportedAt: number; runUrl?: string | null };

export const strictPlace = (environment: string) => `=${environment}`;

const newestOf = (r: KeptRun): NewestRun => ({ at: r.at, reportedAt: r.reportedAt, runUrl: r.runUrl ?? null });

/** The gate's "newer run wins": start time (else arrival), then arrival. */
export function newerRun(a: RunTime, b: RunTime): boolean {
  return a.at !== b.at ? a.at > b.at : a.reportedAt > b.reportedAt;
}

// Of two runs at the same instant, the worse counts, so a doubtful pair is never a pass.
const WORSE_FIRST: Record<ResultStatus, number> = { failed: 0, flaky: 1, skipped: 2, passed: 3 };

/** Whether status a is worse than status b: failed, flaky, skipped, passed. */
export const worseStatus = (a: ResultStatus, b: ResultStatus) => WORSE_FIRST[a] < WORSE_FIRST[b];

/** Whether run a counts instead of run b of the same key: the newer; at the same instant, the worse status. */
export function countsOver(a: RunTime & { status: ResultStatus }, b: RunTime & { status: ResultStatus }): boolean {
  if (a.at !== b.at || a.reportedAt !== b.reportedAt) return newerRun(a, b);
  return worseStatus(a.status, b.status);
}


/** Every place some check item reads: each environment, and "=V" for each `verifyOn: V`. */
export function placesOf(items: GateItem[], environments: string[]): string[] {
  const strict = new Set<string>();
  for (const item of items) if (item.kind === "check" && item.verifyOn !== undefined) strict.add(strictPlace(item.verifyOn));
  return [...environments, ...strict];
}

/** Which places a run reported for `environment` ("" for none) feeds. */
export function placesFed(environment: string, places: string[]): string[] {
  return environment === "" ? places.filter((p) => !p.startsWith("=")) : places.filter((p) => p === environment || p === strictPlace(environment));
}

/** The run a place sees for one key and variant, given that key's kept runs (by reported environment). */
export function runAtPlace(kept: ReadonlyMap<string, KeptRun>, place: string): KeptRun | null {
  if (place.startsWith("=")) return kept.get(place.slice(1)) ?? null;
  const own = kept.get(place) ?? null;
  const none = kept.get("") ?? null;
  if (!own || !none) return own ?? none;
  return countsOver(own, none) ? own : none;
}

export type CheckPatterns = { item: string; patterns: readonly string[] };

export function checkPatterns(items: GateItem[]): CheckPatterns[] {
  return items.flatMap((item) => (item.kind === "check" ? [{ item: item.key, patterns: item.patterns }] : []));
}

/** Which of each check's patterns cover a key (empty when none does). */
export function coverageOf(checks: CheckPatterns[], key: string): { item: string; covered: boolean[] }[] {
  const out: { item: string; covered: boolean[] }[] = [];
  for (const check of checks) {
    const covered = check.patterns.map((p) => patternMatches(p, key));
    if (covered.some(Boolean)) out.push({ item: check.item, covered });
  }
  return out;
}

const tallyId = (item: string, commitSha: string, place: string) => `${item}\u0000${commitSha}\u0000${place}`;

/** A change to one tally: counts to add (negative to take away) and a newer covered run. */
export type TallyChange = CheckTally;

function emptyChange(item: string, commitSha: string, place: string, patterns: number): TallyChange {
  return { item, commitSha, place, passed: 0, failed: 0, flaky: 0, skipped: 0, patterns: new Array<number>(patterns).fill(0), newest: null };
}

/** Adds (sign 1) or takes away (sign -1) one run a place sees, for every check that covers its key. */
function count(changes: Map<string, TallyChange>, coverage: { item: string; covered: boolean[] }[], commitSha: string, place: string, run: KeptRun, sign: 1 | -1) {
  for (const { item, covered } of coverage) {
    const id = tallyId(item, commitSha, place);
    let change = changes.get(id);
    if (!change) changes.set(id, (change = emptyChange(item, commitSha, place, covered.length)));
    change[run.status] += sign;
    if (run.status !== "skipped") covered.forEach((c, i) => c && (change.patterns[i]! += sign));
    // A place's run of a key is only ever replaced by a newer one, so the newest only moves forward.
    if (sign === 1 && (!change.newest || newerRun(run, change.newest))) change.newest = newestOf(run);
  }
}

/**
 * What a batch of runs changes, given the kept runs of the same keys on the same commit (every
 * reported environment): which kept runs it replaces, and what each tally gains or loses. A run
 * replaces the kept one for its environment only when it counts over it (countsOver); the first of
 * equals in the batch wins.
 */
export function tallyChanges(
  checks: CheckPatterns[],
  places: string[],
  kept: KeptRun[],
  batch: KeptRun[],
): { kept: KeptRun[]; changes: TallyChange[] } {
  const byKey = new Map<string, Map<string, KeptRun>>();
  const slot = (r: KeptRun) => `${r.commitSha}\u0000${r.variant}\u0000${r.key}`;
  for (const r of kept) {
    let runs = byKey.get(slot(r));
    if (!runs) byKey.set(slot(r), (runs = new Map()));
    runs.set(r.environment, r);
  }
  const replaced = new Map<string, KeptRun>();
  const changes = new Map<string, TallyChange>();
  const coverageByKey = new Map<string, { item: string; covered: boolean[] }[]>();
  for (const run of batch) {
    let runs = byKey.get(slot(run));
    if (!runs) byKey.set(slot(run), (runs = new Map()));
    const current = runs.get(run.environment);
    if (current && !countsOver(run, current)) continue;
    let coverage = coverageByKey.get(run.key);
    if (!coverage) coverageByKey.set(run.key, (coverage = coverageOf(checks, run.key)));
    const fed = placesFed(run.environment, places);
    const before = fed.map((place) => runAtPlace(runs, place));
    runs.set(run.environment, run);
    replaced.set(`${slot(run)}\u0000${run.environment}`, run);
    if (coverage.length === 0) continue;
    fed.forEach((place, i) => {
      const after = runAtPlace(runs, place);
      if (after === before[i]) return;
      if (before[i]) count(changes, coverage, run.commitSha, place, before[i]!, -1);
      if (after) count(changes, coverage, run.commitSha, place, after, 1);
    });
  }
  return { kept: [...replaced.values()], changes: [...changes.values()] };
}

/** Adds a change to a tally (or to nothing, for a new one). */
export function applyChange(tally: CheckTally | undefined, change: TallyChange): CheckTally {
  const base = tally ?? { ...emptyChange(change.item, change.commitSha, change.place, change.patterns.length), newest: null };
  const newest = !base.newest || (change.newest && newerRun(change.newest, base.newest)) ? (change.newest ?? base.newest) : base.newest;
  return {
    item: change.item,
    commitSha: change.commitSha,
    place: change.place,
    passed: base.passed + change.passed,
    failed: base.failed + change.failed,
    flaky: base.flaky + change.flaky,
    skipped: base.skipped + change.skipped,
    patterns: change.patterns.map((n, i) => (base.patterns[i] ?? 0) + n),
    newest,
  };
}

/** Every tally from the kept runs, from scratch: what the kept-up-to-date tallies must equal. */
export function tallyRuns(items: GateItem[], environments: string[], kept: KeptRun[]): CheckTally[] {
  const { changes } = tallyChanges(checkPatterns(items), placesOf(items, environments), [], kept);
  return changes.map((change) => applyChange(undefined, change)).filter((t) => t.passed + t.failed + t.flaky + t.skipped > 0);
}

export function keptRunOf(r: GateResult): KeptRun {
  return {
    commitSha: r.commitSha,
    environment: r.environment ?? "",
    variant: r.variant ?? "",
    key: r.key,
    status: r.status,
    at: (r.startedAt ?? r.reportedAt).getTime(),
    reportedAt: r.reportedAt.getTime(),
    runUrl: r.runUrl ?? null,
  };
}

/** The latest run per commit, reported environment, variant and key (what ResultState keeps), by countsOver. */
export function keptResults(results: readonly GateResult[]): GateResult[] {
  const kept = new Map<string, { result: GateResult; run: KeptRun }>();
  for (const result of results) {
    const run = keptRunOf(result);
    const id = `${run.commitSha}\u0000${run.environment}\u0000${run.variant}\u0000${run.key}`;
    const current = kept.get(id);
    if (!current || countsOver(run, current.run)) kept.set(id, { result, run });
  }
  return [...kept.values()].map((k) => k.result);
}

/**
 * A full input as the tallied loader hands it over (lib/server/load-gate-input.ts): tallies of the
 * kept runs, the kept runs on the release's commit of keys with a failing one, and as `results`
 * only the runs since deploys: on the commit, for an environment it was deployed to, after its
 * first deploy there (verifyOn), and the kept runs on the commit since the earliest environment's
 * latest deploy (watch). Tests check that the gate decides the same either way.
 */
export function talliedInput(input: GateInput): GateInput {
  const kept = keptResults(input.results);
  const onCommit = kept.filter((r) => r.commitSha === input.commitSha);
  const failingKeys = new Set(onCommit.filter((r) => r.status === "failed" || r.status === "flaky").map((r) => r.key));
  const deployments = input.deployments ?? [];
  const firstDeploy = new Map<string, number>();
  for (const d of deployments) {
    if (d.commitSha !== input.commitSha) continue;
    const first = firstDeploy.get(d.environment);
    if (first === undefined || d.deployedAt.getTime() < first) firstDeploy.set(d.environment, d.deployedAt.getTime());
  }
  const latestDeploy = new Map<string, number>();
  for (const d of deployments) latestDeploy.set(d.environment, Math.max(latestDeploy.get(d.environment) ?? -Infinity, d.deployedAt.getTime()));
  const watchSince = latestDeploy.size ? Math.min(...latestDeploy.values()) : null;
  const sinceDeploy = input.results.filter((r) => {
    const first = r.environment === null ? undefined : firstDeploy.get(r.environment);
    return r.commitSha === input.commitSha && first !== undefined && r.reportedAt.getTime() > first;
  });
  const watched = watchSince === null ? [] : onCommit.filter((r) => (r.startedAt ?? r.reportedAt).getTime() > watchSince);
  return {
    ...input,
    results: [...sinceDeploy, ...watched],
    tallies: { checks: tallyRuns(input.items, input.environments, kept.map(keptRunOf)), failing: onCommit.filter((r) => failingKeys.has(r.key)) },
  };
}
