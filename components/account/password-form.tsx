"use client";
// Change password: the current one, the new one twice. The server checks everything and answers
// with every problem at once; each is shown beside its field.
import { useRouter } from "next/navigation";
import { useId, useState, useTransition, type FormEvent } from "react";
import { changePasswordAction } from "@/app/account/actions";
import { FormError } from "@/components/form-error";

type Field = "currentPassword" | "newPassword" | "confirmPassword";

const FIELDS: { name: Field; label: string; autoComplete: string }[] = [
  { name: "currentPassword", label: "Current password", autoComplete: "current-password" },
  { name: "newPassword", label: "New password", autoComplete: "new-password" },
  { name: "confirmPassword", label: "New password again", autoComplete: "new-password" },
];

export function PasswordForm({ minLength }: { minLength: number }) {
  const router = useRouter();
  const id = useId();
  const [problems, setProblems] = useState<Partial<Record<Field, string>>>({});
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [pending, startTransition] = useTransition();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const target = event.currentTarget;
    const form = new FormData(target);
    const value = (name: Field) => String(form.get(name) ?? "");
    setProblems({});
    setError(null);
    setDone(false);
    startTransition(async () => {
      const outcome = await changePasswordAction({ currentPassword: value("currentPassword"), newPassword: value("newPassword"), confirmPassword: value("confirmPassword") });
      if (outcome.ok) {
        target.reset();
        setDone(true);
        router.refresh();
        return;
      }
      const byField: Partial<Record<Field, string>> = {};
      for (const detail of outcome.error.details ?? []) {
        if (FIELDS.some((f) => f.name === detail.path)) byField[detail.path as Field] ??= detail.message;
      }
      setProblems(byField);
      const count = Object.keys(byField).length;
      if (count === 0) setError(outcome.error.message);
      else if (count > 1) setError(`Please fix the ${count} problems below. Nothing was changed.`);
      else if (outcome.error.code === "validation_failed") setError("Please fix the problem below. Nothing was changed.");
      else setError(outcome.error.message);
    });
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Change password" className="space-y-4">
      <FormError message={error} />
      {FIELDS.map((field) => {
        const problem = problems[field.name];
        const hint = field.name === "newPassword" ? `At least ${minLength} characters. A few unrelated words make a good one.` : null;
        const described = [hint ? `${id}-${field.name}-hint` : null, problem ? `${id}-${field.name}-problem` : null].filter(Boolean).join(" ");
        return (
          <div key={field.name}>
            <label htmlFor={`${id}-${field.name}`} className="block text-sm font-medium">
              {field.label}
            </label>
            <input
              id={`${id}-${field.name}`}
              name={field.name}
              type="password"
              autoComplete={field.autoComplete}
              aria-invalid={problem ? true : undefined}
              aria-describedby={described || undefined}
              className={`mt-1 block w-full rounded-md border px-3 py-2 sm:max-w-sm ${problem ? "border-red-500" : "border-slate-300"}`}
            />
            {hint ? (
              <p id={`${id}-${field.name}-hint`} className="mt-1 text-xs text-slate-500">
                {hint}
              </p>
            ) : null}
            {problem ? (
              <p id={`${id}-${field.name}-problem`} className="mt-1 text-sm text-red-700">
                {problem}
              </p>
            ) : null}
          </div>
        );
      })}
      <button type="submit" disabled={pending} className="rounded-md bg-slate-900 px-4 py-2 font-medium text-white hover:bg-slate-700 disabled:opacity-60">
        {pending ? "Changing…" : "Change password"}
      </button>
      {done ? (
        <p role="status" className="rounded border border-emerald-300 bg-emerald-50 p-3 text-sm">
          Your password was changed. Every other session was signed out; you are still signed in here.
        </p>
      ) : null}
    </form>
  );
}
