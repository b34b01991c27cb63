"use client";
// A check item's results: failed tests with their messages (always plain text: CI output is
// untrusted), the matching results with run links and durations, and each test's history.
import { useState } from "react";
import type { ItemEnvironmentState } from "@/lib/server/get-release-state";
import { formatTime } from "../format-time";
import { ResultHistory } from "./result-history";

const LONG_MESSAGE = 400;

export function CheckDetails({ state, project, version }: { state: ItemEnvironmentState; project: string; version: string }) {
  const [historyOf, setHistoryOf] = useState<string | null>(null);
  if (state.results.length === 0) return null;
  const latest = state.results.reduce((a, b) => (a.at > b.at ? a : b));
  const toggle = (key: string) => setHistoryOf((current) => (current === key ? null : key));
  return (
    <div className="mt-2 space-y-2 text-sm">
      <p className="text-xs text-slate-500">
        Last run {formatTime(latest.at)}
        {latest.runUrl ? (
          <>
            {" · "}
            <a href={latest.runUrl} target="_blank" rel="noopener noreferrer" className="text-sky-700 underline">
              open CI run
            </a>
          </>
        ) : null}
      </p>
      {state.failures.length > 0 ? (
        <ul className="space-y-2">
          {state.failures.map((failure) => (
            <li key={failure.key} className="rounded border border-red-200 bg-red-50 p-2">
              <div className="flex items-start justify-between gap-2">
                <p className="break-all font-mono text-xs font-semibold text-red-900">{failure.key}</p>
                <button type="button" onClick={() => toggle(failure.key)} className="shrink-0 text-xs text-sky-700 underline">
                  {historyOf === failure.key ? "Hide history" : "History"}
                </button>
              </div>
              {failure.message ? (
                <details open={failure.message.length <= LONG_MESSAGE}>
                  <summary className="cursor-pointer text-xs text-red-800">Failure message{failure.message.length > LONG_MESSAGE ? ` (${failure.message.length} characters)` : ""}</summary>
                  <pre className="mt-1 max-h-64 overflow-auto whitespace-pre-wrap break-words font-mono text-xs text-slate-800">{failure.message}</pre>
                </details>
              ) : null}
              {historyOf === failure.key ? <ResultHistory project={project} version={version} resultKey={failure.key} /> : null}
            </li>
          ))}
        </ul>
      ) : null}
      <details>
        <summary className="cursor-pointer text-xs text-slate-600">{state.results.length} matching results</summary>
        <ul className="mt-1 max-h-48 overflow-auto font-mono text-xs text-slate-700">
          {state.results.map((result) => (
            <li key={result.key}>
              <button type="button" onClick={() => toggle(result.key)} className="text-left hover:underline">
                {result.status.padEnd(7, " ")} {result.key}
                {result.durationMs !== null ? ` (${result.durationMs} ms)` : ""}
              </button>
              {historyOf === result.key && !state.failures.some((f) => f.key === result.key) ? <ResultHistory project={project} version={version} resultKey={result.key} /> : null}
            </li>
          ))}
        </ul>
      </details>
    </div>
  );
}
