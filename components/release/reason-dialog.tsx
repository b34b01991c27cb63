"use client";
// A modal that asks why, for actions that need a reason on the record (revoking a sign-off,
// rejecting an item).
// The browser's <dialog> keeps focus inside while open and closes on Escape.
import { useEffect, useId, useRef, useState } from "react";

type Props = {
  open: boolean;
  title: string;
  label: string;
  confirm: string;
  pending?: boolean;
  /** The most the reason may say; the dialog says it in words and counts down. */
  maxLength?: number;
  onCancel(): void;
  onConfirm(reason: string): void;
};

export function ReasonDialog({ open, title, label, confirm, pending = false, maxLength = 2_000, onCancel, onConfirm }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const hintId = useId();
  const [reason, setReason] = useState("");
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onClose={() => {
        setReason("");
        setProblem(null);
        onCancel();
      }}
      className="m-auto w-[min(32rem,calc(100vw-2rem))] rounded-lg border border-slate-200 p-0 shadow-xl backdrop:bg-slate-900/40"
    >
      <form
        className="space-y-3 p-4"
        onSubmit={(event) => {
          event.preventDefault();
          if (reason.trim() === "") {
            setProblem("Say why: the reason is kept in the audit trail.");
            return;
          }
          onConfirm(reason.trim());
        }}
      >
        <h2 id={titleId} className="font-semibold text-slate-900">
          {title}
        </h2>
        <label className="block text-sm font-medium text-slate-700">
          {label}
          <textarea
            value={reason}
            onChange={(event) => {
              setReason(event.target.value);
              setProblem(null);
            }}
            maxLength={maxLength}
            rows={3}
            aria-invalid={problem ? true : undefined}
            aria-describedby={hintId}
            className="mt-1 block w-full rounded border border-slate-300 p-2 text-sm font-normal"
          />
        </label>
        <p id={hintId} className="text-xs text-slate-600">
          Required, at most {maxLength.toLocaleString("en")} characters ({(maxLength - reason.length).toLocaleString("en")} left).
        </p>
        {problem ? (
          <p role="alert" className="text-sm text-red-700">
            {problem}
          </p>
        ) : null}
        <div className="flex justify-end gap-2">
          <button type="button" onClick={() => ref.current?.close()} className="rounded border border-slate-300 px-3 py-1 text-sm">
            Cancel
          </button>
          <button type="submit" disabled={pending} className="rounded bg-red-700 px-3 py-1 text-sm font-medium text-white hover:bg-red-600 disabled:opacity-60">
            {confirm}
          </button>
        </div>
      </form>
    </dialog>
  );
}
