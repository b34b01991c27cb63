// Where a release stands on one environment, for lists: rolled back, deployed, or its gate.
import { summarizeGate } from "@/lib/gate";
import type { EnvironmentStanding } from "@/lib/server/list-releases";
import { gateLabel } from "./gate-chip";

export function standingLabel(standing: EnvironmentStanding): string {
  if (standing.rolledBackAt) return "rolled back";
  if (standing.deployedAt) return "deployed";
  return `gate ${gateLabel(summarizeGate(standing.gate))}`;
}

export function EnvironmentStandingChip({ standing }: { standing: EnvironmentStanding }) {
  const tone = standing.rolledBackAt
    ? "bg-red-100 text-red-900 ring-red-300"
    : standing.deployedAt
      ? "bg-sky-100 text-sky-900 ring-sky-300"
      : standing.gate.overridden
        ? "bg-amber-100 text-amber-900 ring-amber-300"
        : standing.gate.open
          ? "bg-emerald-100 text-emerald-900 ring-emerald-300"
          : "bg-slate-100 text-slate-800 ring-slate-300";
  return (
    <span className={`inline-flex items-center gap-1 whitespace-nowrap rounded-full px-2.5 py-0.5 text-xs font-medium ring-1 ${tone}`}>
      <span className="font-semibold">{standing.environment}</span>{" "}
      <span>{standingLabel(standing)}</span>
    </span>
  );
}
