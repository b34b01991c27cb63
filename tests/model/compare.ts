// Runs the real gate and the model on one scenario and says how they differ.
import { evaluateGate } from "@/lib/gate";
import type { GateDecision } from "@/lib/gate/types";
import { LOCK_BLOCKER, modelGate, PREVIOUS_BLOCKER, type ModelDecision } from "./gate-model";
import type { Scenario } from "./scenarios";

export type Verdict = "agree" | "false open" | "false close" | "other mismatch";

export type Comparison = {
  verdict: Verdict;
  gate: { open: boolean; overridden: boolean; blockingItems: string[] } | { error: string };
  model: ModelDecision;
};

/** The gate's blockers as the model names them: item keys, plus one name each for lock and previous environment. */
export function gateBlockingItems(decision: GateDecision): string[] {
  return decision.blocking.map((b) => (b.reason === "locked" ? LOCK_BLOCKER : b.reason === "previous-environment" ? PREVIOUS_BLOCKER : b.item));
}

const sortedSet = (values: string[]) => [...new Set(values)].sort();

export function compare(s: Scenario): Comparison {
  const model = modelGate(s.input, s.environment);
  model.blockingItems = sortedSet(model.blockingItems);
  let decision: GateDecision;
  try {
    decision = evaluateGate(s.input, s.environment);
  } catch (error) {
    return { verdict: "other mismatch", gate: { error: String(error) }, model };
  }
  const gate = { open: decision.open, overridden: decision.overridden, blockingItems: sortedSet(gateBlockingItems(decision)) };
  let verdict: Verdict = "agree";
  if (gate.open && !model.open) verdict = "false open";
  else if (!gate.open && model.open) verdict = "false close";
  else if (gate.overridden !== model.overridden || JSON.stringify(gate.blockingItems) !== JSON.stringify(model.blockingItems)) verdict = "other mismatch";
  return { verdict, gate, model };
}

export function describeComparison(c: Comparison): string {
  const show = (d: Comparison["gate"]) =>
    "error" in d ? `threw ${d.error}` : `open=${d.open} overridden=${d.overridden} blocking=[${d.blockingItems.join(", ")}]`;
  return `${c.verdict}\n  gate:  ${show(c.gate)}\n  model: ${show(c.model)}`;
}
