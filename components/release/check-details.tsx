"use client";
// A check item's results: failed tests with their messages (always plain text: CI output is
// untrusted), the matching results with run links and durations, and each test's history. The
// release carries the first 50 of each; the whole list is read page by page when opened.
import { useState } from "react";
import type { ItemEnvironmentState } from "@/lib/server/get-release-state";
import { LocalTime } from "../local-time";
import { AllResults } from "./all-results";
import { ResultHistory } from "./result-history";

const LONG_MESSAGE = 400;

type Props = { state: ItemEnvironmentState; project: string; version: string; item: string; environment: string };

export function CheckDetails({ state, project, version, item, environment }: Props) {
  const [historyOf, setHistoryOf] = useState<string | null>(null);
  const [showAll, setShowAll] = useState(false);
  const latest = state.lastRun;
  if (!latest) return null;
  const { passed, failed, flaky, skipped } = state.resultCounts;
  const counts = [`${passed} passed`, failed ? `${failed} failed` : "", flaky ? `${flaky} flaky` : "", skipped ? `${skipped} skipped` : ""].filter(Boolean).join(", ");
  const toggle = (key: string) => setHistoryOf((current) => (current === key ? null : key));
  return (
    <div className="mt-2 space-y-2 text-sm">
      <p className="text-xs text-slate-500">
        Last run <LocalTime iso={latest.at} />
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
          {state.failureCount > state.failures.length ? (
            <li className="text-xs text-red-800">and {state.failureCount - state.failures.length} more failing tests: open the list below.</li>
          ) : null}
        </ul>
      ) : null}
      <details onToggle={(event) => setShowAll((event.currentTarget as HTMLDetailsElement).open && state.resultCount > state.results.length)}>
        <summary className="cursor-pointer text-xs text-slate-600">
          {state.resultCount} matching results ({counts})
        </summary>
        {showAll ? <AllResults project={project} version={version} item={item} environment={environment} total={state.resultCount} /> : null}
        <ul hidden={showAll} className="mt-1 max-h-48 overflow-auto font-mono text-xs text-slate-700">
          {state.results.map((result) => (
            <li key={`${result.variant ?? ""}/${result.key}`}>
              <button type="button" onClick={() => toggle(result.key)} className="text-left [overflow-wrap:anywhere] hover:underline">
                {result.status.padEnd(7, " ")} {result.key}
                {result.variant ? ` [${result.variant}]` : ""}
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
