// After a deploy: where a rollback criterion tripped, say so loudly, with why and how to roll back.
import type { ReleaseState } from "@/lib/server/get-release-state";
import { formatTime } from "../format-time";
import { Instructions } from "./instructions";

export function RollbackPanel({ state }: { state: ReleaseState }) {
  const tripped = Object.entries(state.rollback).filter(([, advice]) => advice.recommended);
  if (tripped.length === 0) return null;
  return (
    <section role="alert" aria-label="Rollback recommended" className="rounded-lg border-2 border-red-600 bg-red-50 p-4">
      <h2 className="text-lg font-bold text-red-800">Rollback recommended</h2>
      {tripped.map(([environment, advice]) => (
        <div key={environment} className="mt-2 text-sm">
          <p className="font-semibold">
            {environment} (deployed {advice.deployedAt ? formatTime(advice.deployedAt) : "—"})
          </p>
          <ul className="ml-5 list-disc">
            {advice.reasons.map((reason) => (
              <li key={reason.item}>
                <span className="font-medium">{reason.title}</span>: {reason.detail}
              </li>
            ))}
          </ul>
        </div>
      ))}
      {state.rollbackInstructions ? (
        <div className="mt-3">
          <p className="text-sm font-semibold">How to roll back</p>
          <Instructions source={state.rollbackInstructions} />
        </div>
      ) : null}
    </section>
  );
}
