"use client";
// Who is expected to do a manual item: "Assigned to X", and for release managers a select of the
// members who can sign it. The server checks both the permission and the assignee again.
import { useQueryClient } from "@tanstack/react-query";
import { useId, useState, useTransition } from "react";
import { assignItemAction, unassignItemAction } from "@/app/projects/[project]/releases/[version]/actions";
import { FormError } from "@/components/form-error";
import type { ReleaseItemView } from "@/lib/server/get-release-state";
import { releaseQueryKey } from "./release-query";

type Props = {
  project: string;
  version: string;
  item: Pick<ReleaseItemView, "key" | "title" | "assignee" | "signers">;
  canAssign: boolean;
  viewerId: string | null;
};

const NOBODY = "";

export function ItemAssignee({ project, version, item, canAssign, viewerId }: Props) {
  const queryClient = useQueryClient();
  const selectId = useId();
  const [choice, setChoice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const current = item.assignee?.userId ?? NOBODY;
  const selected = choice ?? current;

  function save() {
    setError(null);
    startTransition(async () => {
      const outcome = selected === NOBODY ? await unassignItemAction(project, version, item.key) : await assignItemAction(project, version, item.key, { userId: selected });
      if (!outcome.ok) setError(outcome.error.message);
      else setChoice(null);
      await queryClient.invalidateQueries({ queryKey: releaseQueryKey(project, version) });
    });
  }

  const label = item.assignee ? (item.assignee.userId === viewerId ? "Assigned to you" : `Assigned to ${item.assignee.name}`) : null;
  if (!canAssign) {
    return label ? <p className="mt-1 text-xs font-medium text-indigo-900">{label}</p> : null;
  }
  return (
    <div className="mt-1 text-xs">
      <form
        className="flex flex-wrap items-center gap-2"
        aria-label={`Assign ${item.title}`}
        onSubmit={(event) => {
          event.preventDefault();
          save();
        }}
      >
        {label ? <span className="font-medium text-indigo-900">{label}</span> : <span className="text-slate-600">Not assigned</span>}
        <label htmlFor={selectId} className="text-slate-700">
          Assign to
        </label>
        <select
          id={selectId}
          value={selected}
          onChange={(event) => setChoice(event.target.value)}
          className="max-w-full rounded border border-slate-300 bg-white px-1 py-0.5 text-xs"
        >
          <option value={NOBODY}>Nobody</option>
          {item.signers.map((s) => (
            <option key={s.userId} value={s.userId}>
              {s.name}
            </option>
          ))}
          {/* Someone assigned earlier who can no longer sign stays visible until changed. */}
          {item.assignee && !item.signers.some((s) => s.userId === item.assignee!.userId) ? <option value={item.assignee.userId}>{item.assignee.name}</option> : null}
        </select>
        <button type="submit" disabled={pending || selected === current} className="rounded border border-slate-300 px-2 py-0.5 font-medium disabled:opacity-50">
          {pending ? "Saving…" : "Save"}
        </button>
      </form>
      <FormError message={error} />
    </div>
  );
}
