// A metric or watch item read from Prometheus: its query, and the latest reading that counts here
// (the value, or why there is none), with when it ran. The query is the template's text: shown as text.
import { LocalTime } from "@/components/local-time";
import type { ItemEnvironmentState } from "@/lib/server/get-release-state";

export function ReadingDetails({ query, reading }: { query: string; reading: ItemEnvironmentState["reading"] }) {
  return (
    <div className="mt-1 space-y-0.5 text-xs">
      <p className="text-slate-600">
        PromQL <code className="rounded bg-slate-100 px-1 py-0.5 font-mono text-slate-800 [overflow-wrap:anywhere]">{query}</code>
      </p>
      {reading === null ? (
        <p className="text-slate-600">Not read from Prometheus yet.</p>
      ) : reading.value !== null ? (
        <p className="text-slate-700">
          Prometheus answered <span className="font-mono font-semibold">{reading.value}</span> · <LocalTime iso={reading.ranAt} />
        </p>
      ) : (
        <p className="font-medium text-red-800" role="status">
          No value from Prometheus: {reading.error ?? "no answer"} · <LocalTime iso={reading.ranAt} />
        </p>
      )}
    </div>
  );
}
