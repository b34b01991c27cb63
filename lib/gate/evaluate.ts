// The gate: one pure function from a release's snapshot and evidence to "open, or closed and why".
// The release page, the API, the badge and the CLI all call this and nothing else.
import type { CheckItem, ManualItem, MetricItem, WatchItem } from "@/lib/templates/schema";
import { patternMatches } from "./match";
import { roleAtLeast } from "./roles";
import { newerRun, strictPlace, worseStatus, type CheckTally } from "./tally";
import type {
  BlockReason,
  Blocker,
  GateAlert,
  GateDecision,
  GateDeployment,
  GateInput,
  GateItem,
  GateMetric,
  GateResult,
  GateSignOff,
  ItemEvaluation,
  RollbackAdvice,
} from "./types";

export class UnknownEnvironmentError extends Error {
  constructor(readonly environment: string) {
    super(`unknown environment "${environment}"`);
  }
}

const short = (sha: string) => sha.slice(0, 7);

/** How many failing tests a reason names before "and N more". */
const FAILURES_SHOWN = 3;

function listed(item: GateItem, environment: string): boolean {
  return item.environments.length === 0 || item.environments.includes(environment);
}

/** Where the item's work happens: its own environment, or the one it is verified on. */
function workedOn(item: GateItem, environment: string): string {
  return item.verifyOn ?? environment;
}

/**
 * Whether the item concerns this environment at all: listed for it and, with `verifyOn`, either
 * the environment it is done on or one after it.
 */
function concerns(item: GateItem, environment: string, environments: string[]): boolean {
  if (!listed(item, environment)) return false;
  if (item.verifyOn === undefined) return true;
  const done = environments.indexOf(item.verifyOn);
  return done >= 0 && environments.indexOf(environment) >= done;
}

/** Gating here: done before deploying here, or verified on an earlier environment. */
function gatesHere(item: GateItem, environment: string, environments: string[]): boolean {
  return concerns(item, environment, environments) && item.verifyOn !== environment;
}

/** When the release's current commit first went out to an environment, if it has. */
function firstDeployOf(input: GateInput, environment: string): Date | null {
  let first: Date | null = null;
  for (const d of input.deployments ?? []) {
    if (d.environment === environment && d.commitSha === input.commitSha && (!first || d.deployedAt < first)) first = d.deployedAt;
  }
  return first;
}

/** The evidence an item may use for an environment: its place, and since when (verifyOn: after the deploy). */
type Evidence = { environment: string; strict: boolean; since: Date | null };

function evidenceFor(item: GateItem, input: GateInput, environment: string): Evidence | "not-deployed" {
  if (item.verifyOn === undefined) return { environment, strict: false, since: null };
  const since = firstDeployOf(input, item.verifyOn);
  return since ? { environment: item.verifyOn, strict: true, since } : "not-deployed";
}

/** Rows reported for the place: that environment (or, unless strict, for none), after `since`. */
function reportedFor(evidence: Evidence) {
  return (row: { environment: string | null; reportedAt: Date }) =>
    (row.environment === evidence.environment || (!evidence.strict && row.environment === null)) &&
    (evidence.since === null || row.reportedAt.getTime() > evidence.since.getTime());
}

/** The producer's own clock decides which run is newer; arrival time breaks ties. */
function newer(a: GateResult, b: GateResult): boolean {
  const at = (a.startedAt ?? a.reportedAt).getTime();
  const bt = (b.startedAt ?? b.reportedAt).getTime();
  return at !== bt ? at > bt : a.reportedAt.getTime() > b.reportedAt.getTime();
}

/** Whether result a counts instead of b (the same key): newer, or at the same instant worse (tally.ts countsOver). */
function countsOverResult(a: GateResult, b: GateResult): boolean {
  const at = (a.startedAt ?? a.reportedAt).getTime();
  const bt = (b.startedAt ?? b.reportedAt).getTime();
  if (at !== bt) return at > bt;
  const ar = a.reportedAt.getTime();
  const br = b.reportedAt.getTime();
  return ar !== br ? ar > br : worseStatus(a.status, b.status);
}

/** The latest run of each key and variant among the given results. */
function latestRuns(results: GateResult[]): GateResult[] {
  const latest = new Map<string, GateResult>();
  for (const result of results) {
    const id = `${result.variant ?? ""}\u0000${result.key}`;
    const current = latest.get(id);
    if (!current || countsOverResult(result, current)) latest.set(id, result);
  }
  return [...latest.values()];
}

/** The latest run per key and variant that counts for an environment and commit. */
export function latestResults(results: GateResult[], environment: string, commitSha: string): GateResult[] {
  const place = reportedFor({ environment, strict: false, since: null });
  return latestRuns(results.filter((r) => r.commitSha === commitSha && place(r)));
}

function latestMetric(metrics: GateMetric[], name: string, keep: (m: GateMetric) => boolean) {
  let latest: GateMetric | undefined;
  for (const metric of metrics) {
    if (metric.name === name && keep(metric) && (!latest || metric.reportedAt >= latest.reportedAt)) latest = metric;
  }
  return latest;
}

function base(item: GateItem, environment: string, environments: string[]): ItemEvaluation {
  return {
    key: item.key,
    status: "pending",
    summary: "",
    gating: item.phase === "pre-deploy" && item.required && item.kind !== "watch" && gatesHere(item, environment, environments),
    failures: [],
    matched: [],
    validSignOffs: [],
    staleSignOffs: [],
    rejection: null,
    tally: null,
  };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/**
 * The latest runs that count for the release's commit in one place. Every check item of every
 * environment asks for these, and a release can hold 10,000 keys: they are worked out once per
 * results list and place. The gate never changes its input, and neither may its callers after
 * handing it over, so remembering them changes no answer.
 */
const countedRuns = new WeakMap<readonly GateResult[], Map<string, GateResult[]>>();

function latestCountedRuns(results: readonly GateResult[], commitSha: string, evidence: Evidence): GateResult[] {
  let byPlace = countedRuns.get(results);
  if (!byPlace) countedRuns.set(results, (byPlace = new Map()));
  const id = `${commitSha}\u0000${evidence.environment}\u0000${evidence.strict}\u0000${evidence.since?.getTime() ?? ""}`;
  let runs = byPlace.get(id);
  if (!runs) {
    const place = reportedFor(evidence);
    // Only results that count compete for "latest": a run elsewhere never hides one that counts here.
    runs = Object.freeze(latestRuns(results.filter((r) => r.commitSha === commitSha && place(r)))) as GateResult[];
    byPlace.set(id, runs);
  }
  return runs;
}

/** Of those runs, the ones a check's patterns cover (a later environment asks again for the earlier one). */
const coveredRuns = new WeakMap<readonly GateResult[], Map<string, GateResult[]>>();

function runsCoveredBy(patterns: readonly string[], runs: GateResult[]): GateResult[] {
  let byPatterns = coveredRuns.get(runs);
  if (!byPatterns) coveredRuns.set(runs, (byPatterns = new Map()));
  const id = patterns.join("\u0000");
  let matched = byPatterns.get(id);
  if (!matched) {
    // Frozen: shared by every evaluation that asks, so nobody may sort it in place.
    matched = Object.freeze(runs.filter((r) => patterns.some((p) => patternMatches(p, r.key)))) as GateResult[];
    byPatterns.set(id, matched);
  }
  return matched;
}

/** What a check is judged on: the covered latest runs in numbers, the failing ones by name. */
type CheckCounts = {
  /** Judged from a tally: this one (a tally of zeros when there is none yet). */
  tally: CheckTally | null;
  /** Covered runs known by name: all of them, or (tallied) the failing ones. */
  matched: GateResult[];
  total: number;
  counted: number;
  failed: GateResult[];
  /** Flaky runs, which fail the check only with `flaky: block`. */
  flaky: GateResult[];
  uncovered: string[];
};

function countedFromRuns(item: CheckItem & GateItem, input: GateInput, evidence: Evidence): CheckCounts {
  const matched = runsCoveredBy(item.patterns, latestCountedRuns(input.results, input.commitSha, evidence));
  const counted = matched.filter((r) => r.status !== "skipped");
  return {
    tally: null,
    matched,
    total: matched.length,
    counted: counted.length,
    failed: counted.filter((r) => r.status === "failed"),
    flaky: counted.filter((r) => r.status === "flaky"),
    uncovered: item.patterns.filter((p) => !counted.some((r) => patternMatches(p, r.key))),
  };
}

function countedFromTallies(item: CheckItem & GateItem, input: GateInput, tallies: NonNullable<GateInput["tallies"]>, evidence: Evidence): CheckCounts {
  const tally = tallies.checks.find((t) => t.item === item.key && t.commitSha === input.commitSha && t.place === evidence.environment);
  const failing = runsCoveredBy(item.patterns, latestCountedRuns(tallies.failing, input.commitSha, evidence));
  const counted = tally ? tally.passed + tally.failed + tally.flaky : 0;
  return {
    tally: tally ?? { item: item.key, commitSha: input.commitSha, place: evidence.environment, passed: 0, failed: 0, flaky: 0, skipped: 0, patterns: item.patterns.map(() => 0), newest: null },
    matched: failing,
    total: tally ? counted + tally.skipped : 0,
    counted,
    failed: failing.filter((r) => r.status === "failed"),
    flaky: failing.filter((r) => r.status === "flaky"),
    uncovered: item.patterns.filter((_, i) => !((tally?.patterns[i] ?? 0) > 0)),
  };
}

function evaluateCheck(item: CheckItem & GateItem, input: GateInput, evidence: Evidence, evaluation: ItemEvaluation): ItemEvaluation {
  // A verifyOn check counts only runs since a deploy: those come as runs, not in the tallies.
  const tallies = input.tallies;
  const judged = tallies && evidence.since === null ? countedFromTallies(item, input, tallies, evidence) : countedFromRuns(item, input, evidence);
  // The other commit whose runs this check would have counted; tallied, known only in numbers.
  const staleCommit = () =>
    tallies
      ? staleTallyCommit(tallies.checks, item.key, input.commitSha, evidence.strict ? strictPlace(evidence.environment) : evidence.environment)
      : staleResultCommit(input, evidence, (r) => item.patterns.some((p) => patternMatches(p, r.key)));
  const { matched, failed } = judged;
  const blockedFlaky = item.flaky === "block" ? judged.flaky : [];
  const out = {
    ...evaluation,
    matched,
    tally: judged.tally,
    failures: [...failed, ...blockedFlaky].map((r) => ({ key: r.key, message: r.message ?? null })),
  };
  const expected = item.expect === "all-pass" ? undefined : item.expect;
  const wanted = expected ? ("count" in expected ? expected.count : expected.min) : 0;
  const counted = judged.counted;

  const failedParts: string[] = [];
  if (failed.length > item.allowFailures) failedParts.push(`${failed.length} of ${counted} tests failed`);
  if (blockedFlaky.length > 0) failedParts.push(`${plural(blockedFlaky.length, "flaky test")} (passed only on retry; this check blocks flaky tests)`);
  if (expected && "count" in expected && counted > expected.count) failedParts.push(`expected exactly ${expected.count} tests, got ${counted}`);

  const missingParts: string[] = [];
  if (counted === 0) {
    missingParts.push(judged.total ? `no result yet (${judged.total} skipped)` : "no result yet");
  } else {
    if (judged.uncovered.length > 0) missingParts.push(`no result for ${judged.uncovered.map((p) => `\`${p}\``).join(", ")}`);
    if (counted < wanted) {
      missingParts.push(expected && "count" in expected ? `${counted} of ${wanted} expected tests reported` : `${counted} of at least ${wanted} tests reported`);
    }
  }

  if (failedParts.length > 0) {
    return { ...out, status: "failed", summary: [...failedParts, ...(counted ? missingParts : [])].join("; ") };
  }
  if (missingParts.length > 0) {
    const stale = counted === 0 ? staleCommit() : null;
    if (stale) {
      return { ...out, status: "stale", summary: `tested on ${short(stale)}, release is now ${short(input.commitSha)}` };
    }
    return { ...out, status: "pending", summary: missingParts.join("; ") };
  }
  const allowed = failed.length > 0 ? ` (${plural(failed.length, "failure")} allowed)` : "";
  return { ...out, status: "passed", summary: `${counted - failed.length}/${counted} passed${allowed}` };
}

/**
 * The other commit with results this check would have counted, had it been the release's commit:
 * per commit, the latest run of each key and variant, a skipped one not counting (so a commit
 * whose last run of a test was skipped was not tested by it). Of several, the one whose newest
 * covered run is the most recent. The release was rebuilt since.
 */
function staleResultCommit(input: GateInput, evidence: Evidence, covered: (r: GateResult) => boolean): string | null {
  const place = reportedFor({ ...evidence, since: null });
  const byCommit = new Map<string, GateResult[]>();
  for (const r of input.results) {
    if (r.commitSha === input.commitSha || !place(r)) continue;
    const runs = byCommit.get(r.commitSha);
    if (runs) runs.push(r);
    else byCommit.set(r.commitSha, [r]);
  }
  let stale: { commitSha: string; newest: GateResult } | null = null;
  for (const [commitSha, runs] of byCommit) {
    const latest = latestRuns(runs).filter(covered);
    if (!latest.some((r) => r.status !== "skipped")) continue;
    const newest = latest.reduce((a, b) => (newer(b, a) ? b : a));
    if (!stale || newer(newest, stale.newest) || (!newer(stale.newest, newest) && commitSha < stale.commitSha)) stale = { commitSha, newest };
  }
  return stale?.commitSha ?? null;
}

/** The same from tallies: other commits' tallies for the check and place with a counting run. */
function staleTallyCommit(tallies: CheckTally[], item: string, commitSha: string, place: string): string | null {
  let stale: CheckTally | null = null;
  for (const t of tallies) {
    if (t.item !== item || t.place !== place || t.commitSha === commitSha || t.passed + t.failed + t.flaky === 0 || !t.newest) continue;
    if (!stale || newerRun(t.newest, stale.newest!) || (!newerRun(stale.newest!, t.newest) && t.commitSha < stale.commitSha)) stale = t;
  }
  return stale?.commitSha ?? null;
}

const compare: Record<MetricItem["operator"], (value: number, threshold: number) => boolean> = {
  ">": (v, t) => v > t,
  ">=": (v, t) => v >= t,
  "<": (v, t) => v < t,
  "<=": (v, t) => v <= t,
  "==": (v, t) => v === t,
};

function evaluateMetric(item: MetricItem & GateItem, input: GateInput, evidence: Evidence, evaluation: ItemEvaluation): ItemEvaluation {
  const place = reportedFor(evidence);
  const metric = latestMetric(input.metrics, item.metric, (m) => m.commitSha === input.commitSha && place(m));
  const unit = item.unit ? ` ${item.unit}` : "";
  if (!metric) {
    const before = reportedFor({ ...evidence, since: null });
    const stale = latestMetric(input.metrics, item.metric, (m) => m.commitSha !== input.commitSha && before(m));
    return stale
      ? { ...evaluation, status: "stale", summary: `${item.metric} measured on ${short(stale.commitSha)}, release is now ${short(input.commitSha)}` }
      : { ...evaluation, status: "pending", summary: `no value for ${item.metric} yet` };
  }
  evaluation = { ...evaluation, metric };
  // A doubtful reading (no sample, several, NaN, an error…) is the latest word: never a pass.
  if (metric.value === null) return { ...evaluation, status: "pending", summary: `${item.metric}: no value from Prometheus: ${metric.error ?? "no answer"}` };
  const ok = compare[item.operator](metric.value, item.threshold);
  return {
    ...evaluation,
    status: ok ? "passed" : "failed",
    summary: `${item.metric} ${metric.value}${unit} ${ok ? "is" : "is not"} ${item.operator} ${item.threshold}${unit}`,
  };
}

function evaluateManual(item: ManualItem & GateItem, input: GateInput, evidence: Evidence, evaluation: ItemEvaluation): ItemEvaluation {
  const live = input.signOffs.filter(
    (s) => s.itemKey === item.key && s.environment === evidence.environment && s.revokedAt === null,
  );
  // verifyOn: a sign-off counts only when given after the current commit's deploy there.
  const afterDeploy = (s: GateSignOff) => evidence.since === null || s.createdAt.getTime() > evidence.since.getTime();
  const valid = live.filter((s) => s.commitSha === input.commitSha && roleAtLeast(s.role, item.role) && afterDeploy(s));
  const stale = live.filter((s) => s.commitSha !== input.commitSha && roleAtLeast(s.role, item.role));
  const approvers = new Set(valid.map((s) => s.userId)).size;
  const out = { ...evaluation, validSignOffs: valid, staleSignOffs: stale };
  // A rejection for this commit stands until a sign-off that counts is given after it.
  const standing = (input.rejections ?? []).filter(
    (r) => r.itemKey === item.key && r.environment === evidence.environment && r.commitSha === input.commitSha && !valid.some((s) => s.createdAt.getTime() > r.createdAt.getTime()),
  );
  if (standing.length > 0) {
    const rejection = standing.reduce((a, b) => (b.createdAt.getTime() > a.createdAt.getTime() ? b : a));
    return { ...out, status: "rejected", rejection, summary: `rejected by ${rejection.userLabel} for ${short(rejection.commitSha)}: ${rejection.reason}` };
  }
  if (approvers >= item.approvals) {
    const names = [...new Set(valid.map((s) => s.userLabel))].join(", ");
    return { ...out, status: "passed", summary: `signed off by ${names}` };
  }
  if (approvers === 0 && stale.length > 0) {
    // The most recent stale sign-off by its own time, not by the order the caller passed them in.
    const was = stale.reduce((a, b) => (b.createdAt.getTime() > a.createdAt.getTime() ? b : a));
    return {
      ...out,
      status: "stale",
      summary: `signed for ${short(was.commitSha)}, release is now ${short(input.commitSha)}`,
    };
  }
  const missing = item.approvals - approvers;
  return {
    ...out,
    status: "pending",
    summary: `needs ${missing} more sign-off${missing > 1 ? "s" : ""} from ${item.role}`,
  };
}

const after = (at: Date, since: Date) => at.getTime() > since.getTime();

/**
 * A rollback criterion, judged only on evidence that arrived after the release went out:
 * a matching check failing again, the metric condition becoming true, or the alert firing.
 */
/** The release's latest deploy to an environment, whatever its commit. */
function latestDeployTo(input: GateInput, environment: string) {
  return (input.deployments ?? []).filter((d) => d.environment === environment).reduce<GateDeployment | null>((last, d) => (!last || d.deployedAt >= last.deployedAt ? d : last), null);
}

function evaluateWatch(item: WatchItem & GateItem, input: GateInput, environment: string, evaluation: ItemEvaluation): ItemEvaluation {
  const deployment = latestDeployTo(input, environment);
  if (!deployment) return { ...evaluation, status: "watching", summary: `evaluated after a deploy to ${environment}` };
  const since = deployment.deployedAt;
  const reasons: string[] = [];
  let unknown: string | null = null;
  if (item.check) {
    const recent = latestResults(
      input.results.filter((r) => after(r.startedAt ?? r.reportedAt, since)),
      environment,
      input.commitSha,
    ).filter((r) => patternMatches(item.check!, r.key));
    const failing = recent.filter((r) => r.status === "failed");
    if (failing.length) reasons.push(`${failing.length} of ${recent.length} matching tests failed after the deploy`);
  }
  if (item.metric) {
    const place = reportedFor({ environment, strict: false, since });
    const metric = latestMetric(input.metrics, item.metric.name, (m) => m.commitSha === input.commitSha && place(m));
    if (metric) evaluation = { ...evaluation, metric };
    const value = metric?.value;
    if (metric && value === null) unknown = `cannot tell: ${item.metric.name}: no value from Prometheus: ${metric.error ?? "no answer"}`;
    else if (value !== undefined && value !== null && compare[item.metric.operator](value, item.metric.threshold)) {
      reasons.push(`${item.metric.name} ${value} ${item.metric.operator} ${item.metric.threshold}`);
    }
  }
  if (item.alert) {
    const latest = (input.alerts ?? [])
      .filter((a) => a.name === item.alert && a.environment === environment && after(a.receivedAt, since))
      .reduce<GateAlert | undefined>((last, a) => (!last || a.receivedAt >= last.receivedAt ? a : last), undefined);
    if (latest?.status === "firing") reasons.push(`alert ${item.alert} is firing`);
  }
  if (reasons.length) return { ...evaluation, status: "failed", summary: reasons.join("; ") };
  // Not knowing is not "nothing tripped".
  if (unknown) return { ...evaluation, status: "pending", summary: unknown };
  return { ...evaluation, status: "passed", summary: "nothing tripped since the deploy" };
}

/** After a deploy: should this environment roll back, and why (every tripped watch item). */
export function adviseRollback(input: GateInput, environment: string): RollbackAdvice {
  const deployment = latestDeployTo(input, environment);
  const reasons = input.items
    .filter((item) => item.kind === "watch" && listed(item, environment))
    .map((item) => ({ item, evaluation: evaluateItem(item, input, environment) }))
    .filter(({ evaluation }) => evaluation.status === "failed")
    .map(({ item, evaluation }) => ({ item: item.key, title: item.title, detail: evaluation.summary }));
  return { environment, recommended: reasons.length > 0, deployedAt: deployment?.deployedAt ?? null, reasons };
}

export function evaluateItem(item: GateItem, input: GateInput, environment: string): ItemEvaluation {
  const evaluation = base(item, environment, input.environments);
  if (!concerns(item, environment, input.environments)) {
    return { ...evaluation, status: "not-applicable", summary: item.verifyOn && listed(item, environment) ? `done on ${item.verifyOn}, after ${environment}` : `not used for ${environment}` };
  }
  if (item.kind === "watch") return evaluateWatch(item, input, environment, evaluation);
  const evidence = evidenceFor(item, input, environment);
  if (evidence === "not-deployed") {
    return { ...evaluation, status: "pending", summary: `record the deploy to ${workedOn(item, environment)} first, then verify on ${workedOn(item, environment)}` };
  }
  switch (item.kind) {
    case "check":
      return evaluateCheck(item, input, evidence, evaluation);
    case "metric":
      return evaluateMetric(item, input, evidence, evaluation);
    case "manual":
      return evaluateManual(item, input, evidence, evaluation);
  }
}

function blockerFor(item: GateItem, evaluation: ItemEvaluation): Blocker | null {
  if (!evaluation.gating || evaluation.status === "passed") return null;
  const blocker: Blocker = { item: item.key, title: item.title, reason: reasonOf(item, evaluation), detail: evaluation.summary };
  if (evaluation.rejection) {
    const r = evaluation.rejection;
    blocker.rejection = { by: r.userLabel, reason: r.reason, commit: r.commitSha, at: r.createdAt.toISOString() };
  }
  if (item.kind === "check" && evaluation.status === "failed" && evaluation.failures.length > 0) {
    blocker.failures = evaluation.failures.slice(0, FAILURES_SHOWN).map((f) => ({ key: f.key, message: firstLine(f.message) }));
    blocker.moreFailures = Math.max(0, evaluation.failures.length - FAILURES_SHOWN);
  }
  return blocker;
}

function reasonOf(item: GateItem, evaluation: ItemEvaluation): BlockReason {
  if (evaluation.status === "rejected") return "rejected";
  if (evaluation.status === "stale") return "stale";
  if (evaluation.status === "failed") {
    if (item.kind === "metric") return "metric";
    // Only blocked flaky tests, nothing that failed outright: say flaky.
    const onlyFlaky = item.kind === "check" && evaluation.matched.every((r) => r.status !== "failed") && evaluation.failures.length > 0;
    return onlyFlaky ? "flaky" : "failed";
  }
  return item.kind === "manual" ? "approvals" : "pending";
}

function firstLine(message: string | null): string | null {
  const line = message?.split("\n").find((l) => l.trim() !== "")?.trim();
  return line ? (line.length > 200 ? `${line.slice(0, 199)}…` : line) : null;
}

export function evaluateGate(input: GateInput, environment: string): GateDecision {
  const position = input.environments.indexOf(environment);
  if (position < 0) throw new UnknownEnvironmentError(environment);

  const blocking: Blocker[] = [];
  if (input.lock) {
    const { reason, by } = input.lock;
    blocking.push({ item: "project-lock", title: "Project deploy lock", reason: "locked", detail: by ? `locked by ${by}: ${reason}` : reason });
  }
  const previous = input.environments[position - 1];
  if (previous !== undefined) {
    const earlier = evaluateGate(input, previous);
    // The earlier checklist must be met; an override opens only the gate it was given for.
    const unmet = earlier.blocking.filter((b) => b.reason !== "locked");
    if (unmet.length > 0) {
      blocking.push({
        item: `environment:${previous}`,
        title: `${previous} gate`,
        reason: "previous-environment",
        detail: earlier.overridden
          ? `${previous} was opened by an override, not by its checklist (${unmet.length} blocking)`
          : `${previous} gate is closed (${unmet.length} blocking)`,
      });
    }
  }
  for (const item of input.items) {
    const blocker = blockerFor(item, evaluateItem(item, input, environment));
    if (blocker) blocking.push(blocker);
  }
  const override = input.overrides?.find((o) => o.environment === environment) ?? null;
  // Overridden means opened by the override: not when the checklist is met, never under a deploy lock.
  const overridden = override !== null && !input.lock && blocking.length > 0;
  return { environment, open: blocking.length === 0 || overridden, overridden, override, blocking };
}
