// What is worth announcing between two evaluations of a release's gates: a gate that opened or
// closed, a gate now held up by one sign-off only, a rollback newly recommended. Pure, so that
// the rules can be read and tested apart from the database.
import type { Blocker, GateDecision } from "@/lib/gate";
import type { NotificationType } from "./events";

export type AnnouncedGate = { open: boolean; blockers: string[] };
export type AnnouncedState = { gates: Record<string, AnnouncedGate>; rollback: string[] };

export type GateChange = { type: NotificationType; environment: string; reasons: Blocker[] };

const SIGN_OFF_REASONS = new Set(["approvals", "stale"]);

export function stateOf(gates: GateDecision[], rollbackRecommended: string[]): AnnouncedState {
  return {
    gates: Object.fromEntries(gates.map((g) => [g.environment, { open: g.open, blockers: g.blocking.map((b) => b.item).sort() }])),
    rollback: [...rollbackRecommended].sort(),
  };
}

/**
 * `previous` null: the release is seen for the first time; only gates already open are announced
 * (its closed gates are where every release starts). `manualItems`: keys of the release's manual items.
 */
export function gateChanges(previous: AnnouncedState | null, gates: GateDecision[], rollbackRecommended: string[], manualItems: Set<string>): GateChange[] {
  const changes: GateChange[] = [];
  for (const gate of gates) {
    const before = previous?.gates[gate.environment];
    if (gate.open && before?.open !== true) changes.push({ type: "gate.opened", environment: gate.environment, reasons: [] });
    if (!gate.open && before?.open === true) changes.push({ type: "gate.closed", environment: gate.environment, reasons: gate.blocking });
    const last = gate.blocking.length === 1 ? gate.blocking[0]! : null;
    const onlySignOff = !gate.open && last !== null && manualItems.has(last.item) && SIGN_OFF_REASONS.has(last.reason);
    const sameAsBefore = before !== undefined && !before.open && before.blockers.length === 1 && before.blockers[0] === last?.item;
    if (previous && onlySignOff && !sameAsBefore) changes.push({ type: "signoff.needed", environment: gate.environment, reasons: [last] });
  }
  const recommendedBefore = new Set(previous?.rollback ?? []);
  for (const environment of rollbackRecommended) {
    if (!recommendedBefore.has(environment)) changes.push({ type: "rollback.recommended", environment, reasons: [] });
  }
  return changes;
}
