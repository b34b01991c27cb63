// An independent model of the deploy gate, written from docs/templates.md alone ("## Patterns",
// "## How the gate decides", "### `verifyOn`" and the item kinds). It is meant to be read beside
// the document: every rule quotes the sentence it implements. Clarity over speed; the property
// tests and scripts/gate-fuzz.ts compare it with lib/gate.
import type { GateInput, GateItem, GateResult } from "@/lib/gate/types";
import type { RoleName } from "@/lib/templates/schema";

/** What the model decides for one environment. */
export type ModelDecision = {
  open: boolean;
  overridden: boolean;
  /** Keys of the blocking items, plus LOCK_BLOCKER / PREVIOUS_BLOCKER when those apply. */
  blockingItems: string[];
};

/** Stands for the deploy-lock reason in `blockingItems`. */
export const LOCK_BLOCKER = "(deploy lock)";
/** Stands for the "previous environment not satisfied" reason in `blockingItems`. */
export const PREVIOUS_BLOCKER = "(previous environment)";

// ---------------------------------------------------------------------------------------------
// Patterns
// ---------------------------------------------------------------------------------------------

/**
 * "Read the key from left to right, counting brackets: `[` and `(` open one, `]` and `)` close
 * one. Each place outside any bracket where the key goes on with `::`, `/`, `$`, `[` or `(` is a
 * *boundary*. The key's **nodes** are the key itself and every non-empty part of it from its
 * start to a boundary."
 *
 * Returns the nodes with, for each, the character the key goes on with right after it ("" for
 * the whole key). A closing bracket with nothing open is not specified; the model never lets the
 * count go below zero (the generated keys keep their brackets balanced).
 */
export function keyNodes(key: string): { node: string; next: string }[] {
  const nodes: { node: string; next: string }[] = [];
  let depth = 0;
  for (let i = 0; i < key.length; i++) {
    const rest = key.slice(i);
    const outsideBrackets = depth === 0;
    const goesOnWithSeparator =
      rest.startsWith("::") || rest.startsWith("/") || rest.startsWith("$") || rest.startsWith("[") || rest.startsWith("(");
    if (outsideBrackets && goesOnWithSeparator && i > 0) {
      nodes.push({ node: key.slice(0, i), next: key[i]! });
    }
    const ch = key[i];
    if (ch === "[" || ch === "(") depth += 1;
    if (ch === "]" || ch === ")") depth = Math.max(0, depth - 1);
  }
  nodes.push({ node: key, next: "" });
  return nodes;
}

/**
 * "With `*` or `?`, the pattern must match the whole node: `?` is one character other than `/`;
 * `*` is any run of characters without `/` (empty included); `**` is any run of characters, `/`
 * included. `/**\/` also matches a single `/`, and a `**\/` at the start of the pattern also
 * matches nothing."
 *
 * Every other character stands for itself ("No other character is special: `[`, `]`, `(`, `)`,
 * `{`, `}`, `$` and `!` are literal" — the model reads that for globs too).
 */
export function globToRegExp(pattern: string): RegExp {
  let source = "";
  let i = 0;
  // "a `**/` at the start of the pattern also matches nothing": any run ending in `/`, or nothing.
  if (pattern.startsWith("**/")) {
    source += "(?:.*/)?";
    i = 3;
  }
  while (i < pattern.length) {
    if (pattern.startsWith("/**/", i)) {
      // "`/**/` also matches a single `/`": a `/`, then either nothing more or any run and a `/`.
      source += "/(?:.*/)?";
      i += 4;
    } else if (pattern.startsWith("**", i)) {
      // "`**` is any run of characters, `/` included."
      source += ".*";
      i += 2;
    } else if (pattern[i] === "*") {
      // "`*` is any run of characters without `/` (empty included)."
      source += "[^/]*";
      i += 1;
    } else if (pattern[i] === "?") {
      // "`?` is one character other than `/`."
      source += "[^/]";
      i += 1;
    } else {
      source += pattern[i]!.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
      i += 1;
    }
  }
  // "the pattern must match the whole node"
  return new RegExp(`^${source}$`, "s");
}

/** One node against a pattern (already without its leading `./` and trailing `/`). */
function matchesNode(pattern: string, node: string): boolean {
  const hasWildcard = pattern.includes("*") || pattern.includes("?");
  if (!hasWildcard) {
    // "Without `*` or `?`, a pattern matches a node equal to it, character for character."
    return node === pattern;
  }
  return globToRegExp(pattern).test(node);
}

/** "A pattern covers a key when it matches one of the key's nodes." */
export function modelCovers(pattern: string, key: string): boolean {
  let p = pattern;
  // "A leading `./` is ignored."
  if (p.startsWith("./")) p = p.slice(2);
  // "A pattern ending in `/` names a directory: without that `/`, it must match a node that the
  // key continues with `/` right after."
  const directory = p.endsWith("/");
  if (directory) p = p.slice(0, -1);
  if (p === "") return false; // not a pattern the schema lets through ("/", "./")
  return keyNodes(key).some(({ node, next }) => (directory ? next === "/" : true) && matchesNode(p, node));
}

// ---------------------------------------------------------------------------------------------
// The gate
// ---------------------------------------------------------------------------------------------

/** "viewer | engineer | release-manager | admin: least role whose sign-off counts" */
const ROLE_ORDER: RoleName[] = ["viewer", "engineer", "release-manager", "admin"];
function roleIsAtLeast(role: RoleName, least: RoleName): boolean {
  return ROLE_ORDER.indexOf(role) >= ROLE_ORDER.indexOf(least);
}

const time = (d: Date) => d.getTime();

/**
 * "It is signed once, on `staging`, after a deploy of the release's current commit to `staging`
 * has been recorded." — the times of the recorded deploys of commit C to V.
 */
function deploysOfCommitTo(input: GateInput, v: string): number[] {
  return (input.deployments ?? []).filter((d) => d.environment === v && d.commitSha === input.commitSha).map((d) => time(d.deployedAt));
}

/** "…that arrived after a deploy of C to V was recorded": after at least one such deploy. */
function afterADeployOfC(input: GateInput, v: string, at: Date): boolean {
  return deploysOfCommitTo(input, v).some((deployedAt) => time(at) > deployedAt);
}

/**
 * "**Which items gate E.** A pre-deploy item with `required: true` (not a `watch`) whose
 * `environments` is empty or names *E*, and
 * - without `verifyOn`: it gates *E*;
 * - with `verifyOn: V`: it gates *E* only when *E* comes after *V* in the order; on *V* itself it
 *   is shown as "done on V after its deploy" and does not block."
 */
export function itemGates(input: GateInput, item: GateItem, e: string): boolean {
  if (item.phase !== "pre-deploy") return false; // "Only **pre-deploy** items count for the gate."
  if (item.required === false) return false; // "`false` makes the item advisory (never blocks)"
  if (item.kind === "watch") return false;
  if (item.environments.length > 0 && !item.environments.includes(e)) return false;
  if (item.verifyOn === undefined) return true;
  const order = input.environments;
  return order.indexOf(e) > order.indexOf(item.verifyOn) && order.includes(item.verifyOn);
}

/**
 * "**Results that count** for an item gating *E*: results for commit *C* reported for *E* or for
 * no environment; for an item with `verifyOn: V`, only results reported for *V* that arrived after
 * a deploy of *C* to *V* was recorded."
 */
function countsFor(input: GateInput, item: GateItem, e: string, result: GateResult, commit: string): boolean {
  if (result.commitSha !== commit) return false;
  if (item.verifyOn !== undefined) {
    return result.environment === item.verifyOn && afterADeployOfC(input, item.verifyOn, result.reportedAt);
  }
  return result.environment === e || result.environment === null;
}

/**
 * "Of those, per key and variant (browser/project), only the **latest run** counts: the one whose
 * `run.startedAt` (the producer's clock; the arrival time when absent) is latest; on a tie, the
 * one that arrived last. Runs that tie on both […] the worse status counts, `failed` before
 * `flaky` before `skipped` before `passed`."
 */
function latestRuns(results: GateResult[]): GateResult[] {
  const latest = new Map<string, GateResult>();
  for (const r of results) {
    const id = JSON.stringify([r.key, r.variant ?? null]);
    const current = latest.get(id);
    if (current === undefined || isLaterRun(r, current)) latest.set(id, r);
  }
  return [...latest.values()];
}

function isLaterRun(a: GateResult, b: GateResult): boolean {
  const runTime = (r: GateResult) => time(r.startedAt ?? r.reportedAt);
  if (runTime(a) !== runTime(b)) return runTime(a) > runTime(b);
  if (time(a.reportedAt) !== time(b.reportedAt)) return time(a.reportedAt) > time(b.reportedAt);
  const worse = ["failed", "flaky", "skipped", "passed"];
  return worse.indexOf(a.status) < worse.indexOf(b.status);
}

type ItemState = "passed" | "failed" | "pending";

/** The counting results of commit `commit` for an item on E, latest run only. */
function countingResults(input: GateInput, item: GateItem, e: string, commit: string): GateResult[] {
  return latestRuns(input.results.filter((r) => countsFor(input, item, e, r, commit)));
}

/** "**A `check`** looks at the counting results covered by any of its patterns; `skipped` results don't count." */
function checkState(input: GateInput, item: Extract<GateItem, { kind: "check" }>, e: string): ItemState {
  const covered = countingResults(input, item, e, input.commitSha)
    .filter((r) => item.patterns.some((p) => modelCovers(p, r.key)))
    .filter((r) => r.status !== "skipped");

  // "*failing*: each `failed` result; each `flaky` (passed on retry) result when `flaky: block`."
  const failed = covered.filter((r) => r.status === "failed").length;
  const blockedFlaky = item.flaky === "block" ? covered.filter((r) => r.status === "flaky").length : 0;
  const count = typeof item.expect === "object" && "count" in item.expect ? item.expect.count : undefined;
  const min = typeof item.expect === "object" && "min" in item.expect ? item.expect.min : undefined;

  // "It is **failed** when more `failed` results than `allowFailures`, or any blocked flaky result
  // (`allowFailures` never tolerates a blocked flaky result), or, with `expect: {count: N}`, more
  // than *N* results."
  if (failed > item.allowFailures) return "failed";
  if (blockedFlaky > 0) return "failed";
  if (count !== undefined && covered.length > count) return "failed";

  // "Otherwise it is **pending** when some pattern covers no counting result (each pattern must be
  // covered by at least one), when no result counts, or with `expect: {count: N}` / `{min: N}`
  // fewer than *N*. When results for another commit would have been covered, it is **stale**
  // instead" — stale blocks just as pending does, so the model does not tell them apart.
  if (item.patterns.some((p) => !covered.some((r) => modelCovers(p, r.key)))) return "pending";
  if (covered.length === 0) return "pending";
  if (count !== undefined && covered.length < count) return "pending";
  if (min !== undefined && covered.length < min) return "pending";

  // "Otherwise it is **passed**."
  return "passed";
}

/**
 * "**A `metric`**: the latest value (by arrival) of the metric for commit *C* reported for *E* or
 * for no environment (with `verifyOn: V`: for *V*, after the deploy of *C* to *V*). None: pending
 * (stale when there is one for another commit). The latest is a reading without a value:
 * pending, with its reason. Passed when `value operator threshold` holds, else failed."
 */
function metricState(input: GateInput, item: Extract<GateItem, { kind: "metric" }>, e: string): ItemState {
  const candidates = input.metrics.filter((m) => {
    if (m.name !== item.metric || m.commitSha !== input.commitSha) return false;
    if (item.verifyOn !== undefined) return m.environment === item.verifyOn && afterADeployOfC(input, item.verifyOn, m.reportedAt);
    return m.environment === e || m.environment === null;
  });
  if (candidates.length === 0) return "pending";
  const latest = candidates.reduce((a, b) => (time(b.reportedAt) > time(a.reportedAt) ? b : a));
  const v = latest.value;
  if (v === null) return "pending";
  const t = item.threshold;
  const holds =
    item.operator === ">" ? v > t : item.operator === ">=" ? v >= t : item.operator === "<" ? v < t : item.operator === "<=" ? v <= t : v === t;
  return holds ? "passed" : "failed";
}

/**
 * "**A `manual` item**: the sign-offs for *E* (with `verifyOn: V`: for *V*, given after a deploy
 * of *C* to *V*), not revoked, for commit *C*, by someone whose role at the time is at least
 * `role`. Passed when they come from at least `approvals` distinct people. Otherwise stale …
 * else pending."
 */
function manualState(input: GateInput, item: Extract<GateItem, { kind: "manual" }>, e: string): ItemState {
  if (standingRejection(input, item, e)) return "failed";
  const valid = countingSignOffs(input, item, e);
  const people = new Set(valid.map((s) => s.userId));
  return people.size >= item.approvals ? "passed" : "pending";
}

/** The sign-offs of the manual item that count for E, as the paragraph above says. */
function countingSignOffs(input: GateInput, item: Extract<GateItem, { kind: "manual" }>, e: string) {
  return input.signOffs.filter((s) => {
    if (s.itemKey !== item.key) return false;
    if (item.verifyOn !== undefined) {
      if (s.environment !== item.verifyOn || !afterADeployOfC(input, item.verifyOn, s.createdAt)) return false;
    } else if (s.environment !== e) {
      return false;
    }
    if (s.revokedAt !== null) return false;
    if (s.commitSha !== input.commitSha) return false;
    return roleIsAtLeast(s.role, item.role);
  });
}

/**
 * "**A rejection** of a `manual` item is per item, environment and commit. It is for the
 * environment where the item is signed (with `verifyOn: V`: for *V*). It **stands** while no
 * sign-off made after it clears it: a sign-off that would count for the item (…) and whose time is
 * later than the rejection's. A rejection for commit *C* that stands makes the item **rejected**,
 * whatever its sign-offs (…): it blocks every gate the item gates" — "A rejection for another
 * commit than *C* never blocks and never counts as a sign-off." "The rejecter's role does not
 * matter here."
 */
function standingRejection(input: GateInput, item: Extract<GateItem, { kind: "manual" }>, e: string): boolean {
  const signedOn = item.verifyOn ?? e;
  const counting = countingSignOffs(input, item, e);
  return (input.rejections ?? []).some(
    (r) => r.itemKey === item.key && r.environment === signedOn && r.commitSha === input.commitSha && !counting.some((s) => time(s.createdAt) > time(r.createdAt)),
  );
}

function itemState(input: GateInput, item: GateItem, e: string): ItemState {
  switch (item.kind) {
    case "check":
      return checkState(input, item, e);
    case "metric":
      return metricState(input, item, e);
    case "manual":
      return manualState(input, item, e);
    case "watch":
      return "passed"; // never gates (see itemGates)
  }
}

/** "The gate of E is closed with one reason per blocking item" — the items that gate E and have not passed. */
export function blockingItemsOf(input: GateInput, e: string): string[] {
  return input.items.filter((item) => itemGates(input, item, e) && itemState(input, item, e) !== "passed").map((item) => item.key);
}

/**
 * Is the environment before E "satisfied by its checklist (no blocking reason of its own)"?
 * The document leaves open whether the previous environment's own "previous environment" reason
 * counts; the model reads it as a reason of that gate, so the rule is transitive: every earlier
 * checklist must be met. The deploy lock is no part of a checklist and is not counted here.
 */
function previousSatisfied(input: GateInput, e: string): boolean {
  const index = input.environments.indexOf(e);
  if (index <= 0) return true;
  const previous = input.environments[index - 1]!;
  return blockingItemsOf(input, previous).length === 0 && previousSatisfied(input, previous);
}

export function modelGate(input: GateInput, environment: string): ModelDecision {
  const e = environment;
  const blocking = blockingItemsOf(input, e);

  // "while the project has a deploy lock: one more reason; nothing opens it, not an override"
  const locked = input.lock !== null && input.lock !== undefined;
  if (locked) blocking.push(LOCK_BLOCKER);

  // "for every environment after the first: the previous environment's gate must be **satisfied
  // by its checklist** (no blocking reason of its own). An override of the previous environment
  // does not count."
  if (!previousSatisfied(input, e)) blocking.push(PREVIOUS_BLOCKER);

  // "The gate is **open** when nothing blocks it, or when an admin's override for *E* is active and
  // there is no deploy lock."
  const overrideForE = (input.overrides ?? []).some((o) => o.environment === e);
  const open = blocking.length === 0 || (overrideForE && !locked);

  // "`overridden` is true only when the override is what opens it: with blocking reasons left."
  const overridden = open && blocking.length > 0;

  return { open, overridden, blockingItems: blocking };
}
