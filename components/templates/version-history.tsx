import { LocalTime } from "@/components/local-time";
import type { TemplateVersionView } from "@/lib/server/get-templates";

/** Each version with what changed from the one before, item by item. */
export function VersionHistory({ versions }: { versions: TemplateVersionView[] }) {
  return (
    <ol className="space-y-3">
      {versions.map((v) => (
        <li key={v.version} className="rounded border border-slate-200 bg-white p-3 text-sm">
          <p className="font-medium">
            Version {v.version} <span className="font-normal text-slate-500">· <LocalTime iso={v.createdAt} /> · {v.definition.sections.reduce((n, s) => n + s.items.length, 0)} items</span>
          </p>
          {v.changes === null ? (
            <p className="text-slate-600">First version.</p>
          ) : (
            <ul className="mt-1 space-y-0.5">
              {v.changes.added.map((a) => (
                <li key={`+${a.key}`} className="text-emerald-800">
                  + added <span className="font-mono">{a.key}</span> “{a.title}” in {a.section}
                </li>
              ))}
              {v.changes.removed.map((r) => (
                <li key={`-${r.key}`} className="text-red-800">
                  − removed <span className="font-mono">{r.key}</span> “{r.title}”
                </li>
              ))}
              {v.changes.changed.map((c) => (
                <li key={`~${c.key}`} className="text-amber-800">
                  ~ changed <span className="font-mono">{c.key}</span>: {c.fields.join(", ")}
                </li>
              ))}
              {v.changes.other.map((o) => (
                <li key={`*${o}`} className="text-slate-700">
                  ~ changed {o}
                </li>
              ))}
            </ul>
          )}
        </li>
      ))}
    </ol>
  );
}
