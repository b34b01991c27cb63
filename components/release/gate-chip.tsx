import type { GateSummary } from "@/lib/gate";

export function gateLabel(gate: GateSummary): string {
  if (gate.overridden) return "overridden";
  return gate.open ? "open" : `blocked (${gate.blocking})`;
}

/** A gate at a glance; hovering a blocked one names its first blocker. */
export function GateChip({ gate }: { gate: GateSummary }) {
  const tone = gate.overridden
    ? "bg-amber-100 text-amber-900 ring-amber-300"
    : gate.open
      ? "bg-emerald-100 text-emerald-900 ring-emerald-300"
      : "bg-red-100 text-red-900 ring-red-300";
  return (
    <span title={gate.firstBlocker ?? undefined} className={`inline-flex items-center gap-1 rounded-full px-2.5 py-0.5 text-xs font-medium ring-1 ${tone}`}>
      <span className="font-semibold">{gate.environment}</span>{" "}
      <span>{gateLabel(gate)}</span>
    </span>
  );
}

/** Loud marker for lists: a deployed release whose rollback criteria tripped. */
export function RollbackChip({ environments }: { environments: string[] }) {
  if (environments.length === 0) return null;
  return <span className="inline-flex items-center rounded-full bg-red-600 px-2.5 py-0.5 text-xs font-bold text-white">Rollback recommended: {environments.join(", ")}</span>;
}
