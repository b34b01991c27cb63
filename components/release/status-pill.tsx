import type { ItemStatus } from "@/lib/gate";

const STYLE: Record<ItemStatus, { label: string; className: string }> = {
  passed: { label: "Passed", className: "bg-emerald-100 text-emerald-900" },
  failed: { label: "Failed", className: "bg-red-100 text-red-900" },
  pending: { label: "Pending", className: "bg-slate-200 text-slate-800" },
  stale: { label: "Stale", className: "bg-amber-100 text-amber-900" },
  rejected: { label: "Rejected", className: "bg-red-100 text-red-900" },
  watching: { label: "Watching", className: "bg-sky-100 text-sky-900" },
  "not-applicable": { label: "Not used here", className: "bg-slate-100 text-slate-500" },
};

/** Rollback criteria read differently: a failed watch has tripped, a passed one is quiet. */
const WATCH_LABEL: Partial<Record<ItemStatus, string>> = { failed: "Tripped", passed: "Quiet" };

export function StatusPill({ status, kind }: { status: ItemStatus; kind?: string }) {
  const { className } = STYLE[status];
  const label = (kind === "watch" ? WATCH_LABEL[status] : undefined) ?? STYLE[status].label;
  return <span className={`inline-block min-w-20 rounded px-2 py-0.5 text-center text-xs font-semibold uppercase tracking-wide ${className}`}>{label}</span>;
}
