// What a list shows of a gate at a glance: its state, how many items block it and the first of
// them. Lists carry this instead of whole decisions; the release page has the rest.
import type { GateDecision } from "./types";

export type GateSummary = {
  environment: string;
  open: boolean;
  overridden: boolean;
  /** How many items block this gate (0 when open). */
  blocking: number;
  /** The first blocking item, as the gate lists it: "Whole suite: no results yet". */
  firstBlocker: string | null;
};

export function summarizeGate(gate: GateDecision): GateSummary {
  const first = gate.blocking[0];
  return {
    environment: gate.environment,
    open: gate.open,
    overridden: gate.overridden,
    blocking: gate.blocking.length,
    firstBlocker: first ? `${first.title}: ${first.detail}` : null,
  };
}
