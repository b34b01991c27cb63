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

/** A map of maps, for keys made of parts: no key string is built per lookup (a 10,000-run report makes 40,000). */
type Nested<V> = Map<string, V>;

function within<K, V>(map: Map<K, V>, part: K, make: () => V): V {
  let value = map.get(part);
  if (value === undefined) map.set(part, (value = make()));
  return value;
}

/** A change to one tally: counts to add (negative to take away) and a newer covered run. */
export type TallyChange = CheckTally;

function emptyChange(item: string, commitSha: string, place: string, patterns: number): TallyChange {
  return { item, commitSha, place, passed: 0, failed: 0, flaky: 0, skipped: 0, patterns: new Array<number>(patterns).fill(0), newest: null };
}

/** The changes of one batch, by item, commit and place. */
type Changes = Nested<Nested<Nested<TallyChange>>>;

/** Adds (sign 1) or takes away (sign -1) one run a place sees, for every check that covers its key. */
function count(changes: Changes, coverage: { item: string; covered: boolean[] }[], commitSha: string, place: string, run: KeptRun, sign: 1 | -1) {
  for (const { item, covered } of coverage) {
    const byPlace = within(within(changes, item, () => new Map()), commitSha, () => new Map<string, TallyChange>());
    const change = within(byPlace, place, () => emptyChange(item, commitSha, place, covered.length));
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
  // commit -> variant -> key -> the kept run by reported environment.
  const slots: Nested<Nested<Nested<Map<string, KeptRun>>>> = new Map();
  const runsOf = (r: KeptRun) => within(within(within(slots, r.commitSha, () => new Map()), r.variant, () => new Map()), r.key, () => new Map<string, KeptRun>());
  for (const r of kept) runsOf(r).set(r.environment, r);
  // The runs that replaced a kept one, per key's runs and environment, in the order first replaced.
  const replaced = new Map<Map<string, KeptRun>, Map<string, KeptRun>>();
  const changes: Changes = new Map();
  const coverageByKey = new Map<string, { item: string; covered: boolean[] }[]>();
  const fedBy = new Map<string, string[]>();
  for (const run of batch) {
    const runs = runsOf(run);
    const current = runs.get(run.environment);
    if (current && !countsOver(run, current)) continue;
    const coverage = within(coverageByKey, run.key, () => coverageOf(checks, run.key));
    const fed = within(fedBy, run.environment, () => placesFed(run.environment, places));
    const before = coverage.length === 0 ? [] : fed.map((place) => runAtPlace(runs, place));
    runs.set(run.environment, run);
    within(replaced, runs, () => new Map()).set(run.environment, run);
    if (coverage.length === 0) continue;
    fed.forEach((place, i) => {
      const after = runAtPlace(runs, place);
      if (after === before[i]) return;
      if (before[i]) count(changes, coverage, run.commitSha, place, before[i]!, -1);
      if (after) count(changes, coverage, run.commitSha, place, after, 1);
    });
  }
  const flat = <V>(map: Map<unknown, Map<unknown, V>>) => [...map.values()].flatMap((inner) => [...inner.values()]);
  return { kept: flat(replaced), changes: [...changes.values()].flatMap((byCommit) => flat(byCommit)) };
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
