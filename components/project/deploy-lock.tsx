"use client";
// Release managers lock deploys of the whole project (an incident, a freeze) and unlock them again.
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { lockProjectAction, unlockProjectAction } from "@/app/projects/[project]/actions";
import { FormError } from "@/components/form-error";

export function DeployLockControls({ project, locked }: { project: string; locked: boolean }) {
  const router = useRouter();
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  function run(work: () => Promise<{ ok: boolean; error?: { message: string } }>) {
    setError(null);
    startTransition(async () => {
      const outcome = await work();
      if (!outcome.ok) {
        setError(outcome.error?.message ?? "Something went wrong");
        return;
      }
      setReason("");
      router.refresh();
    });
  }

  if (locked) {
    return (
      <div className="mt-3">
        <button
          type="button"
          disabled={pending}
          onClick={() => run(() => unlockProjectAction(project))}
          className="rounded border border-red-800 bg-white px-3 py-1 text-sm font-medium text-red-900 hover:bg-red-50 disabled:opacity-60"
        >
          {pending ? "Unlocking…" : "Unlock deploys"}
        </button>
        <FormError message={error} className="mt-1" />
      </div>
    );
  }
  return (
    <form
      aria-label="Lock deploys"
      className="flex flex-wrap items-end gap-2"
      onSubmit={(event) => {
        event.preventDefault();
        run(() => lockProjectAction(project, { reason }));
      }}
    >
      <label className="min-w-64 flex-1 text-sm font-medium">
        Reason for locking deploys
        <input
          value={reason}
          onChange={(event) => setReason(event.target.value)}
          required
          minLength={3}
          maxLength={1000}
          placeholder="incident 4711: payments degraded"
          className="mt-1 block w-full rounded border border-slate-300 px-2 py-1.5 text-sm"
        />
      </label>
      <button type="submit" disabled={pending || reason.trim().length < 3} className="rounded bg-red-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-red-600 disabled:opacity-50">
        {pending ? "Locking…" : "Lock deploys"}
      </button>
      <FormError message={error} className="w-full" />
    </form>
  );
}
