"use client";
// Creates a release from a template version; changed files may add guarded-path checks.
import { useRouter } from "next/navigation";
import { useState, useTransition, type FormEvent } from "react";
import { createReleaseAction } from "@/app/projects/[project]/actions";
import { FormError, problemsOf } from "@/components/form-error";

type Props = { project: string; templates: { name: string; latestVersion: number }[] };

const field = "mt-1 block w-full rounded border border-slate-300 px-2 py-1.5 text-sm";

export function NewReleaseForm({ project, templates }: Props) {
  const router = useRouter();
  const [error, setError] = useState<string[] | null>(null);
  const [pending, startTransition] = useTransition();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const value = (name: string) => String(form.get(name) ?? "");
    setError(null);
    startTransition(async () => {
      const outcome = await createReleaseAction(project, {
        version: value("version"),
        commit: value("commit"),
        template: value("template"),
        templateVersion: value("templateVersion") || undefined,
        changedFiles: value("changedFiles"),
      });
      if (!outcome.ok) return setError(problemsOf(outcome.error));
      router.push(`/projects/${project}/releases/${encodeURIComponent(outcome.value.version)}`);
    });
  }

  if (templates.length === 0) return <p className="text-sm text-slate-600">Add a template first: a release is an instance of one.</p>;
  return (
    <form onSubmit={submit} aria-label="New release" className="grid gap-3 md:grid-cols-2">
      <label className="text-sm font-medium">
        Version
        <input name="version" required placeholder="v1.8.0" className={field} />
      </label>
      <label className="text-sm font-medium">
        Commit SHA
        <input name="commit" required placeholder="full or short SHA" className={`${field} font-mono`} />
      </label>
      <label className="text-sm font-medium">
        Template
        <select name="template" className={field}>
          {templates.map((t) => (
            <option key={t.name} value={t.name}>
              {t.name} (latest v{t.latestVersion})
            </option>
          ))}
        </select>
      </label>
      <label className="text-sm font-medium">
        Template version <span className="font-normal text-slate-500">(empty: latest)</span>
        <input name="templateVersion" type="number" min={1} className={field} />
      </label>
      <label className="text-sm font-medium md:col-span-2">
        Changed files <span className="font-normal text-slate-500">(one per line; guarded paths add checks)</span>
        <textarea name="changedFiles" rows={3} className={`${field} font-mono`} />
      </label>
      <div className="md:col-span-2">
        <button type="submit" disabled={pending} className="rounded bg-slate-900 px-4 py-2 text-sm font-medium text-white hover:bg-slate-700 disabled:opacity-60">
          {pending ? "Creating…" : "Create release"}
        </button>
        <FormError message={error} className="mt-2" />
      </div>
    </form>
  );
}
