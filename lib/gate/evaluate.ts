// The gate: one pure function from a release's snapshot and evidence to "open, or closed and why".
// The release page, the API, the badge and the CLI all call this and nothing else.
import type { CheckItem, ManualItem, MetricItem, WatchItem } from "@/lib/templates/schema";
import { patternMatches } from "./match";
import { roleAtLeast } from "./roles";
import type {
  Blocker,
  GateAlert,
  GateDecision,
  GateInput,
  GateItem,
  GateMetric,
  GateResult,
  ItemEvaluation,
  RollbackAdvice,
} from "./types";

export class UnknownEnvironmentError extends Error {
  constructor(readonly environment: string) {
    super(`unknown environment "${environment}"`);
  }
}

const short = (sha: string) => sha.slice(0, 7);

function appliesTo(item: GateItem, environment: string): boolean {
  return item.environments.length === 0 || item.environments.includes(environment);
}

function countsFor(environment: string, commitSha: string) {
  return (row: { environment: string | null; commitSha: string }) =>
    row.commitSha === commitSha && (row.environment === null || row.environment === environment);
}

/** The producer's own clock decides which run is newer; arrival time breaks ties. */
function newer(a: GateResult, b: GateResult): boolean {
  const at = (a.startedAt ?? a.reportedAt).getTime();
  const bt = (b.startedAt ?? b.reportedAt).getTime();
  return at !== bt ? at > bt : a.reportedAt.getTime() > b.reportedAt.getTime();
}

export function latestResults(results: GateResult[], environment: string, commitSha: string): GateResult[] {
  const latest = new Map<string, GateResult>();
  for (const result of results.filter(countsFor(environment, commitSha))) {
    const current = latest.get(result.key);
    if (!current || newer(result, current)) latest.set(result.key, result);
  }
  return [...latest.values()];
}

function latestMetric(metrics: GateMetric[], name: string, environment: string, commitSha: string) {
  let latest: GateMetric | undefined;
  for (const metric of metrics.filter(countsFor(environment, commitSha))) {
    if (metric.name === name && (!latest || metric.reportedAt >= latest.reportedAt)) latest = metric;
  }
  return latest;
}

function base(item: GateItem, environment: string): ItemEvaluation {
  return {
    key: item.key,
    status: "pending",
    summary: "",
    gating: item.phase === "pre-deploy" && item.required && item.kind !== "watch" && appliesTo(item, environment),
    failures: [],
    matched: [],
    validSignOffs: [],
    staleSignOffs: [],
  };
}

function evaluateCheck(item: CheckItem & GateItem, results: GateResult[], evaluation: ItemEvaluation): ItemEvaluation {
  const matched = results.filter((r) => item.patterns.some((p) => patternMatches(p, r.key)));
  const counted = matched.filter((r) => r.status !== "skipped");
  const failing = counted.filter((r) => r.status === "failed" || (r.status === "flaky" && item.flaky === "block"));
  const passing = counted.length - failing.length;
  const out = {
    ...evaluation,
    matched,
    failures: failing.map((r) => ({ key: r.key, message: r.message ?? null })),
  };
  const expected = item.expect === "all-pass" ? undefined : item.expect;
  if (counted.length === 0) {
    const skipped = matched.length;
    return { ...out, status: "pending", summary: skipped ? `no result yet (${skipped} skipped)` : "no result yet" };
  }
  if (expected && "count" in expected && counted.length < expected.count) {
    return { ...out, status: "pending", summary: `${counted.length} of ${expected.count} expected tests reported` };
  }
  if (expected && "min" in expected && counted.length < expected.min) {
    return { ...out, status: "pending", summary: `${counted.length} of at least ${expected.min} tests reported` };
  }
  if (expected && "count" in expected && counted.length > expected.count) {
    return { ...out, status: "failed", summary: `expected exactly ${expected.count} tests, got ${counted.length}` };
  }
  if (failing.length > item.allowFailures) {
    return { ...out, status: "failed", summary: `${failing.length} of ${counted.length} tests failed` };
  }
  const allowed = failing.length > 0 ? ` (${failing.length} failure allowed)` : "";
  return { ...out, status: "passed", summary: `${passing}/${counted.length} passed${allowed}` };
}

const compare: Record<MetricItem["operator"], (value: number, threshold: number) => boolean> = {
  ">": (v, t) => v > t,
  ">=": (v, t) => v >= t,
  "<": (v, t) => v < t,
  "<=": (v, t) => v <= t,
  "==": (v, t) => v === t,
};

function evaluateMetric(
  item: MetricItem & GateItem,
  input: GateInput,
  environment: string,
  evaluation: ItemEvaluation,
): ItemEvaluation {
  const metric = latestMetric(input.metrics, item.metric, environment, input.commitSha);
  const unit = item.unit ? ` ${item.unit}` : "";
  if (!metric) return { ...evaluation, status: "pending", summary: `no value for ${item.metric} yet` };
  const ok = compare[item.operator](metric.value, item.threshold);
  return {
    ...evaluation,
    status: ok ? "passed" : "failed",
    summary: `${item.metric} ${metric.value}${unit} ${ok ? "is" : "is not"} ${item.operator} ${item.threshold}${unit}`,
  };
}

function evaluateManual(
  item: ManualItem & GateItem,
  input: GateInput,
  environment: string,
  evaluation: ItemEvaluation,
): ItemEvaluation {
  const live = input.signOffs.filter(
    (s) => s.itemKey === item.key && s.environment === environment && s.revokedAt === null,
  );
  const valid = live.filter((s) => s.commitSha === input.commitSha && roleAtLeast(s.role, item.role));
  const stale = live.filter((s) => s.commitSha !== input.commitSha && roleAtLeast(s.role, item.role));
  const approvers = new Set(valid.map((s) => s.userId)).size;
  const out = { ...evaluation, validSignOffs: valid, staleSignOffs: stale };
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
function evaluateWatch(item: WatchItem & GateItem, input: GateInput, environment: string, evaluation: ItemEvaluation): ItemEvaluation {
  const deployment = input.deployments?.find((d) => d.environment === environment);
  if (!deployment) return { ...evaluation, status: "watching", summary: `evaluated after a deploy to ${environment}` };
  const since = deployment.deployedAt;
  const reasons: string[] = [];
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
    const metric = latestMetric(input.metrics.filter((m) => after(m.reportedAt, since)), item.metric.name, environment, input.commitSha);
    if (metric && compare[item.metric.operator](metric.value, item.metric.threshold)) {
      reasons.push(`${item.metric.name} ${metric.value} ${item.metric.operator} ${item.metric.threshold}`);
    }
  }
  if (item.alert) {
    const latest = (input.alerts ?? [])
      .filter((a) => a.name === item.alert && a.environment === environment && after(a.receivedAt, since))
      .reduce<GateAlert | undefined>((last, a) => (!last || a.receivedAt >= last.receivedAt ? a : last), undefined);
    if (latest?.status === "firing") reasons.push(`alert ${item.alert} is firing`);
  }
  return reasons.length
    ? { ...evaluation, status: "failed", summary: reasons.join("; ") }
    : { ...evaluation, status: "passed", summary: "nothing tripped since the deploy" };
}

/** After a deploy: should this environment roll back, and why (every tripped watch item). */
export function adviseRollback(input: GateInput, environment: string): RollbackAdvice {
  const deployment = input.deployments?.find((d) => d.environment === environment) ?? null;
  const reasons = input.items
    .filter((item) => item.kind === "watch" && appliesTo(item, environment))
    .map((item) => ({ item, evaluation: evaluateItem(item, input, environment) }))
    .filter(({ evaluation }) => evaluation.status === "failed")
    .map(({ item, evaluation }) => ({ item: item.key, title: item.title, detail: evaluation.summary }));
  return { environment, recommended: reasons.length > 0, deployedAt: deployment?.deployedAt ?? null, reasons };
}

export function evaluateItem(item: GateItem, input: GateInput, environment: string): ItemEvaluation {
  const evaluation = base(item, environment);
  if (!appliesTo(item, environment)) {
    return { ...evaluation, status: "not-applicable", summary: `not used for ${environment}` };
  }
  switch (item.kind) {
    case "check":
      return evaluateCheck(item, latestResults(input.results, environment, input.commitSha), evaluation);
    case "metric":
      return evaluateMetric(item, input, environment, evaluation);
    case "manual":
      return evaluateManual(item, input, environment, evaluation);
    case "watch":
      return evaluateWatch(item, input, environment, evaluation);
  }
}

function blockerFor(item: GateItem, evaluation: ItemEvaluation): Blocker | null {
  if (!evaluation.gating || evaluation.status === "passed") return null;
  const reason =
    evaluation.status === "stale"
      ? "stale"
      : evaluation.status === "failed"
        ? item.kind === "metric"
          ? "metric"
          : "failed"
        : item.kind === "manual"
          ? "approvals"
          : "pending";
  return { item: item.key, title: item.title, reason, detail: evaluation.summary };
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
    if (!earlier.open) {
      blocking.push({
        item: `environment:${previous}`,
        title: `${previous} gate`,
        reason: "previous-environment",
        detail: `${previous} gate is closed (${earlier.blocking.length} blocking)`,
      });
    }
  }
  for (const item of input.items) {
    const blocker = blockerFor(item, evaluateItem(item, input, environment));
    if (blocker) blocking.push(blocker);
  }
  const override = input.overrides?.find((o) => o.environment === environment) ?? null;
  // A deploy lock wins over an override: while the project is locked, nothing opens.
  const overridden = override !== null && !input.lock;
  return { environment, open: blocking.length === 0 || overridden, overridden, override, blocking };
}
