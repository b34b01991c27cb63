// Inputs and outputs of gate evaluation. Plain data: no database, no framework.
import type { Phase, RoleName, TemplateItem } from "@/lib/templates/schema";
import type { CheckTally } from "./tally";

export type GateItem = TemplateItem & { section: string; phase: Phase };

export type ResultStatus = "passed" | "failed" | "skipped" | "flaky";

export type GateResult = {
  key: string;
  /** A run dimension kept out of the key (a Playwright project / browser); null when none. */
  variant?: string | null;
  status: ResultStatus;
  message?: string | null;
  durationMs?: number | null;
  commitSha: string;
  /** null: reported without an environment, so it counts for every environment. */
  environment: string | null;
  startedAt: Date | null;
  reportedAt: Date;
  runUrl?: string | null;
};

export type GateMetric = {
  name: string;
  /** null: a reading that gave no usable value (never a pass); `error` says why. */
  value: number | null;
  error?: string | null;
  /** A Prometheus reading's PromQL query; absent for values CI posted. */
  query?: string | null;
  unit?: string | null;
  commitSha: string;
  environment: string | null;
  reportedAt: Date;
};

export type GateSignOff = {
  itemKey: string;
  userId: string;
  userLabel: string;
  role: RoleName;
  environment: string;
  commitSha: string;
  createdAt: Date;
  revokedAt: Date | null;
};

/** "Not good enough": a person who may sign a manual item refuses it, for one environment and commit. */
export type GateRejection = {
  itemKey: string;
  userId: string;
  userLabel: string;
  role: RoleName;
  /** Where the item is signed (a `verifyOn` item's environment). */
  environment: string;
  commitSha: string;
  reason: string;
  createdAt: Date;
};

export type GateOverride = { environment: string; reason: string; by: string };

/** A recorded deploy of this release to an environment, at the commit it had then. */
export type GateDeployment = { environment: string; commitSha: string; deployedAt: Date };

export type GateAlert = { name: string; environment: string; status: "firing" | "resolved"; receivedAt: Date };

export type GateInput = {
  commitSha: string;
  /** In deploy order: a later environment needs every earlier gate open. */
  environments: string[];
  items: GateItem[];
  results: GateResult[];
  metrics: GateMetric[];
  signOffs: GateSignOff[];
  /** Rejections of manual items; one stands until a later sign-off that counts clears it. */
  rejections?: GateRejection[];
  overrides?: GateOverride[];
  /** A project deploy lock closes every gate, overridden or not. */
  lock?: { reason: string; by?: string | null } | null;
  /**
   * Every recorded deploy of the release. Watch items look at evidence after the latest deploy
   * to their environment; `verifyOn` items at evidence after a deploy of the current commit.
   */
  deployments?: GateDeployment[];
  alerts?: GateAlert[];
  /**
   * Checks in numbers, kept up to date as runs arrive (docs/decisions/019). When given, a check
   * reads its counts from `checks` and its failing tests from `failing` (every kept latest run, on
   * the release's commit, of a key that has a failed or flaky one), and `results` need only hold
   * the runs since deploys: what `verifyOn` checks and watch items look at.
   */
  tallies?: { checks: CheckTally[]; failing: GateResult[] };
};

export type RollbackAdvice = { environment: string; recommended: boolean; deployedAt: Date | null; reasons: { item: string; title: string; detail: string }[] };

export type ItemStatus = "passed" | "failed" | "pending" | "stale" | "rejected" | "watching" | "not-applicable";

export type FailedTest = { key: string; message: string | null };

export type ItemEvaluation = {
  key: string;
  status: ItemStatus;
  /** One line a person reads: "5/5 passed", "metric 412 is not > 500". */
  summary: string;
  /** Counts toward this environment's gate. */
  gating: boolean;
  failures: FailedTest[];
  /** The covered latest runs that count here; judged from tallies, only the failing ones among them. */
  matched: GateResult[];
  validSignOffs: GateSignOff[];
  staleSignOffs: GateSignOff[];
  /** A manual item's standing rejection for the current commit (the latest, when several stand). */
  rejection: GateRejection | null;
  /** The tally a check was judged from (null when judged from runs): its counts and newest run. */
  tally: CheckTally | null;
  /** A metric or watch item: the value it was judged on (the latest that counts), if any. */
  metric?: GateMetric | null;
};

export type BlockReason =
  | "pending"
  | "failed"
  | "flaky"
  | "metric"
  | "approvals"
  | "rejected"
  | "stale"
  | "previous-environment"
  | "locked";

export type Blocker = {
  item: string;
  title: string;
  reason: BlockReason;
  detail: string;
  /** For a failed check: the first failing tests, each with the first line of its message. */
  failures?: FailedTest[];
  /** How many more failing tests there are beyond `failures`. */
  moreFailures?: number;
  /** For a rejected manual item: who rejected it, why, for which commit, when. */
  rejection?: { by: string; reason: string; commit: string; at: string };
};

export type GateDecision = {
  environment: string;
  open: boolean;
  overridden: boolean;
  override: GateOverride | null;
  blocking: Blocker[];
};
