"use client";
// A manual item's sub-steps as checkboxes, ticked one by one before the item can be signed off.
import { useQueryClient } from "@tanstack/react-query";
import { useState, useTransition } from "react";
import { tickStepAction } from "@/app/projects/[project]/releases/[version]/actions";
import type { ItemEnvironmentState } from "@/lib/server/get-release-state";
import { LocalTime } from "../local-time";
import { releaseQueryKey } from "./release-query";
import { FormError } from "@/components/form-error";

type Props = { project: string; version: string; itemKey: string; environment: string; steps: ItemEnvironmentState["steps"]; editable: boolean };

export function StepList({ project, version, itemKey, environment, steps, editable }: Props) {
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  if (steps.length === 0) return null;
  const ticked = steps.filter((s) => s.ticked).length;

  function toggle(step: number, done: boolean) {
    setError(null);
    startTransition(async () => {
      const outcome = await tickStepAction(project, version, itemKey, { environment, step, done });
      if (!outcome.ok) setError(outcome.error.message);
      await queryClient.invalidateQueries({ queryKey: releaseQueryKey(project, version) });
    });
  }

  return (
    <fieldset className="mt-2 rounded border border-slate-200 p-2">
      <legend className="px-1 text-xs font-medium text-slate-600">
        Steps: {ticked} of {steps.length} done
      </legend>
      <ul className="space-y-1">
        {steps.map((step, index) => (
          <li key={index} className="flex flex-wrap items-baseline gap-x-2 text-sm">
            <label className="flex items-baseline gap-2">
              <input type="checkbox" checked={step.ticked} disabled={!editable || pending} onChange={(event) => toggle(index, event.target.checked)} className="translate-y-0.5" />
              <span className={step.ticked ? "text-slate-500 line-through" : "text-slate-800"}>{step.text}</span>
            </label>
            {step.ticked && step.by ? (
              <span className="text-xs text-slate-400">
                {step.by}, <LocalTime iso={step.at!} />
              </span>
            ) : null}
          </li>
        ))}
      </ul>
      <FormError message={error} className="mt-1" />
    </fieldset>
  );
}
