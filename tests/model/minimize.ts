// Greedy minimisation of a disagreeing scenario: drop or simplify one thing at a time while the gate
// and the model still disagree the same way. fast-check's own shrinking does little across the
// chained arbitraries of scenarios.ts; this makes counterexamples short enough to read.
import type { GateInput, GateItem } from "@/lib/gate/types";
import { compare, type Verdict } from "./compare";
import { withToString, type Scenario } from "./scenarios";

function valid(s: Scenario): boolean {
  const { environments, items } = s.input;
  if (!environments.includes(s.environment)) return false;
  // "`verifyOn` must name one of the project's environments that has a later one"
  return items.every((item) => item.verifyOn === undefined || environments.slice(0, -1).includes(item.verifyOn));
}

function withInput(s: Scenario, change: Partial<GateInput>): Scenario {
  return { environment: s.environment, input: { ...s.input, ...change } };
}

function without<T>(list: T[], i: number): T[] {
  return list.filter((_, j) => j !== i);
}

function replaced<T>(list: T[], i: number, value: T): T[] {
  return list.map((x, j) => (j === i ? value : x));
}

/** Every scenario one step simpler than `s`. */
function* simpler(s: Scenario): Generator<Scenario> {
  const i = s.input;
  if (i.lock) yield withInput(s, { lock: null });
  for (let n = 0; n < (i.overrides ?? []).length; n++) yield withInput(s, { overrides: without(i.overrides ?? [], n) });
  for (let n = 0; n < i.items.length; n++) yield withInput(s, { items: without(i.items, n) });
  for (let n = 0; n < i.results.length; n++) yield withInput(s, { results: without(i.results, n) });
  for (let n = 0; n < i.metrics.length; n++) yield withInput(s, { metrics: without(i.metrics, n) });
  for (let n = 0; n < i.signOffs.length; n++) yield withInput(s, { signOffs: without(i.signOffs, n) });
  for (let n = 0; n < (i.rejections ?? []).length; n++) yield withInput(s, { rejections: without(i.rejections ?? [], n) });
  for (let n = 0; n < (i.deployments ?? []).length; n++) yield withInput(s, { deployments: without(i.deployments ?? [], n) });
  // Fewer environments: drop the first one (E and every `verifyOn` must stay).
  if (i.environments.length > 1) yield withInput(s, { environments: i.environments.slice(1) });
  for (let n = 0; n < i.items.length; n++) {
    const item = i.items[n]!;
    if (item.environments.length) yield withInput(s, { items: replaced(i.items, n, { ...item, environments: [] }) });
    if (item.kind === "check") {
      for (let p = 0; p < item.patterns.length && item.patterns.length > 1; p++) {
        yield withInput(s, { items: replaced<GateItem>(i.items, n, { ...item, patterns: without(item.patterns, p) }) });
      }
      if (item.allowFailures) yield withInput(s, { items: replaced<GateItem>(i.items, n, { ...item, allowFailures: 0 }) });
      if (item.expect !== "all-pass") yield withInput(s, { items: replaced<GateItem>(i.items, n, { ...item, expect: "all-pass" }) });
      if (item.flaky === "block") yield withInput(s, { items: replaced<GateItem>(i.items, n, { ...item, flaky: "pass" }) });
    }
    if (item.kind === "manual" && item.approvals > 1) yield withInput(s, { items: replaced<GateItem>(i.items, n, { ...item, approvals: 1 }) });
  }
  for (let n = 0; n < i.results.length; n++) {
    const r = i.results[n]!;
    if (r.startedAt !== null) yield withInput(s, { results: replaced(i.results, n, { ...r, startedAt: null }) });
    if (r.variant !== undefined) {
      const { variant: _dropped, ...rest } = r;
      void _dropped;
      yield withInput(s, { results: replaced(i.results, n, rest) });
    }
  }
}

/**
 * A smaller scenario on which the gate and the model still disagree: with the same verdict when
 * one is given, else in any way.
 */
export function minimize(scenario: Scenario, verdict?: Verdict, budget = 2000): Scenario {
  const keeps = (v: Verdict) => (verdict === undefined ? v !== "agree" : v === verdict);
  let current = scenario;
  let steps = 0;
  let progress = true;
  while (progress && steps < budget) {
    progress = false;
    for (const candidate of simpler(current)) {
      steps += 1;
      if (valid(candidate) && keeps(compare(candidate).verdict)) {
        current = candidate;
        progress = true;
        break;
      }
      if (steps >= budget) break;
    }
  }
  return withToString(current);
}
