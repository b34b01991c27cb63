// Rejections of a manual item for one environment: the one that stands (the gate is closed for
// it) loud, cleared and earlier-commit ones greyed as history. Reasons are people's text: shown as text.
import type { RejectionView } from "@/lib/server/get-release-state";
import { LocalTime } from "../local-time";

export function RejectionList({ rejections, releaseCommit }: { rejections: RejectionView[]; releaseCommit: string }) {
  if (rejections.length === 0) return null;
  return (
    <ul className="space-y-1" aria-label="Rejections">
      {rejections.map((r) =>
        r.standing ? (
          <li key={r.id} role="status" className="rounded border border-red-300 bg-red-50 px-2 py-1 text-red-900 [overflow-wrap:anywhere]">
            <span className="font-semibold">
              Rejected by {r.by} ({r.role})
            </span>{" "}
            — {r.reason} — for commit <code>{r.commitSha.slice(0, 7)}</code> <LocalTime iso={r.createdAt} />
            <span className="block text-xs">A new sign-off for this commit clears it.</span>
          </li>
        ) : (
          <li key={r.id} className="text-slate-500 [overflow-wrap:anywhere]">
            <span className="line-through">Rejected by {r.by}</span> — {r.reason} — for commit <code>{r.commitSha.slice(0, 7)}</code> <LocalTime iso={r.createdAt} />
            <span> · {r.stale ? `release is now ${releaseCommit.slice(0, 7)}` : "cleared by a later sign-off"}</span>
          </li>
        ),
      )}
    </ul>
  );
}
