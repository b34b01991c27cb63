"use client";
// After a deploy: where a rollback criterion tripped, say so loudly, with why and how to roll back,
// and let a release manager record the decision (rolled back, or keep). Once decided, the loud
// panel gives way to the decision.
import { useQueryClient } from "@tanstack/react-query";
import { useState, useTransition } from "react";
import { rollbackDecisionAction } from "@/app/projects/[project]/releases/[version]/actions";
import { FormError } from "@/components/form-error";
import type { ReleaseState } from "@/lib/server/get-release-state";
import type { RollbackDecisionView } from "@/lib/server/rollback-decision";
import { LocalTime } from "../local-time";
import { plainRendering } from "@/lib/templates/rendered-markdown";
import { Instructions } from "./instructions";
import { releaseQueryKey } from "./release-query";

function DecisionForm({ state, environment }: { state: ReleaseState; environment: string }) {
  const queryClient = useQueryClient();
  const { slug } = state.project;
  const { version } = state.release;
  const [decision, setDecision] = useState<"keep" | "rolled_back">("keep");
  const [toVersion, setToVersion] = useState(state.rollbackTargets[0] ?? "");
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const name = `rollback-decision-${environment}`;

  function submit() {
    setError(null);
    startTransition(async () => {
      const outcome = await rollbackDecisionAction(slug, version, { environment, decision, toVersion: decision === "rolled_back" ? toVersion : undefined, reason });
      if (!outcome.ok) {
        setError(outcome.error.message);
        return;
      }
      setReason("");
      await queryClient.invalidateQueries({ queryKey: releaseQueryKey(slug, version) });
    });
  }

  return (
    <form
      aria-label={`Rollback decision for ${environment}`}
      className="mt-2 space-y-2 rounded border border-red-200 bg-white p-3"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <fieldset className="flex flex-wrap gap-4 text-sm">
        <legend className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-600">Decision for {environment}</legend>
        <label className="flex items-center gap-1">
          <input type="radio" name={name} checked={decision === "rolled_back"} onChange={() => setDecision("rolled_back")} />
          Rolled back
        </label>
        <label className="flex items-center gap-1">
          <input type="radio" name={name} checked={decision === "keep"} onChange={() => setDecision("keep")} />
          Keep this release
        </label>
      </fieldset>
      {decision === "rolled_back" ? (
        <label className="block text-xs font-medium text-slate-700">
          Rolled back to
          {state.rollbackTargets.length ? (
            <select value={toVersion} onChange={(event) => setToVersion(event.target.value)} className="mt-1 block rounded border border-slate-300 bg-white px-2 py-1 text-sm">
              {state.rollbackTargets.map((v) => (
                <option key={v} value={v}>
                  {v}
                </option>
              ))}
            </select>
          ) : (
            <span className="mt-1 block text-sm font-normal text-slate-600">This project has no other release to roll back to.</span>
          )}
        </label>
      ) : null}
      <label className="block text-xs font-medium text-slate-700">
        Reason
        <textarea
          value={reason}
          onChange={(event) => setReason(event.target.value)}
          rows={2}
          maxLength={2000}
          required
          className="mt-1 block w-full rounded border border-slate-300 bg-white px-2 py-1 text-sm"
        />
      </label>
      <button
        type="submit"
        disabled={pending || reason.trim().length < 3 || (decision === "rolled_back" && !toVersion)}
        className="rounded bg-slate-900 px-3 py-1 text-sm font-medium text-white hover:bg-slate-700 disabled:opacity-50"
      >
        {pending ? "Recording…" : "Record decision"}
      </button>
      <FormError message={error} />
    </form>
  );
}

export function decisionText(d: RollbackDecisionView): string {
  return d.decision === "rolled_back" ? `Rolled back to ${d.toVersion} by ${d.by}: ${d.reason}` : `Decision: kept by ${d.by}: ${d.reason}`;
}

export function RollbackPanel({ state, canDecide }: { state: ReleaseState; canDecide: boolean }) {
  const tripped = Object.entries(state.rollback).filter(([, advice]) => advice.recommended);
  const decided = Object.entries(state.rollback).filter(([, advice]) => advice.decision);
  if (tripped.length === 0 && decided.length === 0) return null;
  return (
    <>
      {tripped.length > 0 ? (
        <section role="alert" aria-label="Rollback recommended" className="rounded-lg border-2 border-red-600 bg-red-50 p-4">
          <h2 className="text-lg font-bold text-red-800">Rollback recommended</h2>
          {tripped.map(([environment, advice]) => (
            <div key={environment} className="mt-2 text-sm">
              <p className="font-semibold">
                {environment} (deployed {advice.deployedAt ? <LocalTime iso={advice.deployedAt} /> : "—"})
              </p>
              <ul className="ml-5 list-disc">
                {advice.reasons.map((reason) => (
                  <li key={reason.item}>
                    <span className="font-medium">{reason.title}</span>: {reason.detail}
                  </li>
                ))}
              </ul>
              {canDecide ? <DecisionForm state={state} environment={environment} /> : null}
            </div>
          ))}
          {state.rollbackInstructions ? (
            <div className="mt-3">
              <p className="text-sm font-semibold">How to roll back</p>
              <Instructions rendered={state.renderedRollbackInstructions ?? plainRendering(state.rollbackInstructions)} />
            </div>
          ) : null}
        </section>
      ) : null}
      {decided.map(([environment, advice]) => {
        const d = advice.decision!;
        return (
          <section
            key={environment}
            aria-label={`Rollback decision for ${environment}`}
            className={`rounded-lg border-l-4 p-4 text-sm ${d.decision === "rolled_back" ? "border-slate-700 bg-slate-100" : "border-sky-600 bg-sky-50"}`}
          >
            <h2 className="font-semibold">{environment}: rollback decision</h2>
            <p className="mt-1">
              {decisionText(d)} <span className="text-xs text-slate-500">(<LocalTime iso={d.createdAt} />)</span>
            </p>
            {advice.reasons.length ? (
              <p className="mt-1 text-xs text-slate-600">Tripped: {advice.reasons.map((r) => `${r.title} (${r.detail})`).join("; ")}</p>
            ) : null}
          </section>
        );
      })}
    </>
  );
}
