import type { ItemEnvironmentState } from "@/lib/server/get-release-state";

/** Failed tests with their messages, always as plain text (CI output is untrusted). */
export function CheckDetails({ state }: { state: ItemEnvironmentState }) {
  if (state.results.length === 0) return null;
  return (
    <div className="mt-2 space-y-2 text-sm">
      {state.failures.length > 0 ? (
        <ul className="space-y-2">
          {state.failures.map((failure) => (
            <li key={failure.key} className="rounded border border-red-200 bg-red-50 p-2">
              <p className="font-mono text-xs font-semibold text-red-900">{failure.key}</p>
              {failure.message ? (
                <details open={failure.message.length <= 400}>
                  <summary className="cursor-pointer text-xs text-red-800">Failure message</summary>
                  <pre className="mt-1 max-h-64 overflow-auto whitespace-pre-wrap break-words font-mono text-xs text-slate-800">{failure.message}</pre>
                </details>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      <details>
        <summary className="cursor-pointer text-xs text-slate-600">{state.results.length} matching results</summary>
        <ul className="mt-1 max-h-48 overflow-auto font-mono text-xs text-slate-700">
          {state.results.map((result) => (
            <li key={result.key}>
              {result.status.padEnd(7, " ")} {result.key}
              {result.durationMs !== null ? ` (${result.durationMs} ms)` : ""}
            </li>
          ))}
        </ul>
      </details>
    </div>
  );
}
