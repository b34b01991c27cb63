"use client";
// What people may do from a gate banner: record a deploy through an open gate (release managers),
// override a closed one with a written reason, or lift an override (administrators).
import { useQueryClient } from "@tanstack/react-query";
import { useState, useTransition } from "react";
import { liftOverrideAction, overrideGateAction, recordDeploymentAction } from "@/app/projects/[project]/releases/[version]/actions";
import { FormError } from "@/components/form-error";
import { releaseQueryKey } from "./release-query";

type Target = { project: string; version: string; environment: string };

function useRefresh(project: string, version: string) {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: releaseQueryKey(project, version) });
}

export function DeployButton({ project, version, environment, overridden, lastDeployedAt }: Target & { overridden: boolean; lastDeployedAt: string | null }) {
  const refresh = useRefresh(project, version);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [pending, startTransition] = useTransition();

  function deploy() {
    if (overridden && !window.confirm(`The ${environment} gate is open only by an override. Record a deploy anyway? It will be marked as overridden.`)) return;
    setError(null);
    setDone(false);
    startTransition(async () => {
      const outcome = await recordDeploymentAction(project, version, { environment });
      if (outcome.ok) setDone(true);
      // A gate that closed since the page loaded: the message names every blocking item.
      else setError(outcome.error.message);
      await refresh();
    });
  }

  return (
    <div className="mt-3 space-y-1">
      <div className="flex flex-wrap items-center gap-3">
        <button
          type="button"
          onClick={deploy}
          disabled={pending}
          className={`rounded px-3 py-1 text-sm font-medium text-white disabled:opacity-60 ${overridden ? "bg-amber-700 hover:bg-amber-600" : "bg-emerald-700 hover:bg-emerald-600"}`}
        >
          {pending ? "Recording…" : `Record deploy to ${environment}`}
        </button>
        {done ? (
          <span aria-live="polite" className="text-sm text-emerald-900">
            Deploy to {environment} recorded.
          </span>
        ) : lastDeployedAt ? (
          <span className="text-xs text-slate-600">Last deployed here {lastDeployedAt}</span>
        ) : null}
      </div>
      <FormError message={error} />
    </div>
  );
}

export function OverrideForm({ project, version, environment }: Target) {
  const refresh = useRefresh(project, version);
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  function submit() {
    setError(null);
    startTransition(async () => {
      const outcome = await overrideGateAction(project, version, { environment, reason });
      if (!outcome.ok) {
        setError(outcome.error.message);
        return;
      }
      setReason("");
      await refresh();
    });
  }

  return (
    <details className="mt-3 rounded border border-amber-300 bg-white/60 p-2 text-sm">
      <summary className="cursor-pointer font-medium text-amber-900">Override gate (admin)</summary>
      <form
        aria-label={`Override the ${environment} gate`}
        className="mt-2 space-y-2"
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <p className="text-xs text-slate-700">
          Opens the {environment} gate although items above still block it. The override is shown on this page, in the API, on the badge and in the audit trail.
        </p>
        <label className="block text-xs font-medium text-slate-700">
          Reason (at least 10 characters)
          <textarea
            value={reason}
            onChange={(event) => setReason(event.target.value)}
            rows={2}
            minLength={10}
            maxLength={2000}
            required
            className="mt-1 block w-full rounded border border-slate-300 bg-white px-2 py-1 text-sm"
          />
        </label>
        <button type="submit" disabled={pending || reason.trim().length < 10} className="rounded bg-amber-700 px-3 py-1 font-medium text-white hover:bg-amber-600 disabled:opacity-50">
          {pending ? "Overriding…" : `Override ${environment} gate`}
        </button>
        <FormError message={error} />
      </form>
    </details>
  );
}

export function LiftOverrideButton({ project, version, environment, overrideId }: Target & { overrideId: string }) {
  const refresh = useRefresh(project, version);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  function lift() {
    setError(null);
    startTransition(async () => {
      const outcome = await liftOverrideAction(project, version, overrideId);
      if (!outcome.ok) setError(outcome.error.message);
      await refresh();
    });
  }

  return (
    <div className="mt-2">
      <button type="button" onClick={lift} disabled={pending} className="rounded border border-amber-700 bg-white px-3 py-1 text-sm font-medium text-amber-900 hover:bg-amber-100 disabled:opacity-60">
        {pending ? "Lifting…" : `Lift override of ${environment}`}
      </button>
      <FormError message={error} className="mt-1" />
    </div>
  );
}
