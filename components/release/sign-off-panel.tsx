"use client";
// Sign-offs of one manual item for one environment: who signed, and the form to sign or revoke.
import { useQueryClient } from "@tanstack/react-query";
import { useState, useTransition } from "react";
import { revokeSignOffAction, signOffAction } from "@/app/projects/[project]/releases/[version]/actions";
import type { ItemEnvironmentState } from "@/lib/server/get-release-state";
import { formatTime } from "../format-time";
import { releaseQueryKey } from "./release-query";
import { FormError } from "@/components/form-error";

type Props = {
  project: string;
  version: string;
  itemKey: string;
  itemTitle: string;
  environment: string;
  state: ItemEnvironmentState;
  canSignOff: boolean;
  viewerId: string | null;
};

export function SignOffPanel({ project, version, itemKey, itemTitle, environment, state, canSignOff, viewerId }: Props) {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [comment, setComment] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const alreadySigned = state.signOffs.some((s) => s.userId === viewerId && !s.revokedAt && !s.stale);
  const stepsLeft = state.steps.filter((s) => !s.ticked).length;

  function refresh() {
    return queryClient.invalidateQueries({ queryKey: releaseQueryKey(project, version) });
  }

  function submit() {
    setError(null);
    startTransition(async () => {
      const outcome = await signOffAction(project, version, itemKey, { environment, comment });
      if (!outcome.ok) {
        setError(outcome.error.message);
        return;
      }
      setOpen(false);
      setComment("");
      await refresh();
    });
  }

  function revoke(signOffId: string) {
    const reason = window.prompt("Why are you revoking this sign-off?");
    if (!reason) return;
    setError(null);
    startTransition(async () => {
      const outcome = await revokeSignOffAction(project, version, signOffId, { reason });
      if (!outcome.ok) setError(outcome.error.message);
      await refresh();
    });
  }

  return (
    <div className="mt-2 space-y-2 text-sm">
      {state.signOffs.length > 0 ? (
        <ul className="space-y-1">
          {state.signOffs.map((s) => {
            const inactive = s.revokedAt || s.stale;
            return (
              <li key={s.id} className={`flex flex-wrap items-center gap-x-2 ${inactive ? "text-slate-400" : "text-slate-800"}`}>
                <span className={inactive ? "line-through" : "font-medium"}>
                  Signed off by {s.by} ({s.role})
                </span>
                <time dateTime={s.createdAt}>{formatTime(s.createdAt)}</time>
                {s.stale ? <span>· for commit {s.commitSha.slice(0, 7)} (stale)</span> : null}
                {s.revokedAt ? <span>· revoked: {s.revokeReason}</span> : null}
                {s.comment ? <q className="italic">{s.comment}</q> : null}
                {!s.revokedAt && !s.stale && (s.userId === viewerId || canSignOff) ? (
                  <button type="button" onClick={() => revoke(s.id)} disabled={pending} className="text-xs text-red-700 underline">
                    Revoke
                  </button>
                ) : null}
              </li>
            );
          })}
        </ul>
      ) : null}
      {canSignOff && state.status !== "not-applicable" && !alreadySigned ? (
        open ? (
          <div className="space-y-2 rounded border border-slate-200 bg-slate-50 p-3">
            <label className="block text-xs font-medium text-slate-700">
              Comment or evidence link (optional)
              <textarea
                value={comment}
                onChange={(event) => setComment(event.target.value)}
                rows={2}
                maxLength={5000}
                className="mt-1 block w-full rounded border border-slate-300 bg-white px-2 py-1 text-sm"
              />
            </label>
            <div className="flex gap-2">
              <button type="button" onClick={submit} disabled={pending} className="rounded bg-emerald-700 px-3 py-1 font-medium text-white hover:bg-emerald-600 disabled:opacity-60">
                {pending ? "Signing…" : `Confirm sign-off for ${environment}`}
              </button>
              <button type="button" onClick={() => setOpen(false)} className="rounded border border-slate-300 px-3 py-1">
                Cancel
              </button>
            </div>
          </div>
        ) : (
          <button
            type="button"
            onClick={() => setOpen(true)}
            disabled={stepsLeft > 0}
            title={stepsLeft > 0 ? `Tick the ${stepsLeft} remaining step${stepsLeft > 1 ? "s" : ""} first` : undefined}
            aria-label={`Sign off ${itemTitle}`}
            className="rounded border border-emerald-700 px-3 py-1 font-medium text-emerald-800 hover:bg-emerald-50 disabled:cursor-not-allowed disabled:border-slate-300 disabled:text-slate-400"
          >
            Sign off
          </button>
        )
      ) : null}
      <FormError message={error} />
    </div>
  );
}
