"use client";
// YAML editor for a template: saving creates a new version only when something changed.
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { saveTemplateAction } from "@/app/projects/[project]/templates/actions";
import type { ErrorDetail } from "@/lib/errors";

export function TemplateEditor({ project, name, initialSource }: { project: string; name: string; initialSource: string }) {
  const router = useRouter();
  const [source, setSource] = useState(initialSource);
  const [message, setMessage] = useState<string | null>(null);
  const [problems, setProblems] = useState<ErrorDetail[]>([]);
  const [pending, startTransition] = useTransition();

  function save() {
    setMessage(null);
    setProblems([]);
    startTransition(async () => {
      const outcome = await saveTemplateAction(project, source, name);
      if (!outcome.ok) {
        setMessage(outcome.error.message);
        setProblems(outcome.error.details ?? []);
        return;
      }
      setMessage(outcome.value.created ? `Saved as version ${outcome.value.version}.` : `No changes: still version ${outcome.value.version}.`);
      router.refresh();
    });
  }

  return (
    <div className="space-y-2">
      <label className="block text-sm font-medium">
        Template YAML
        <textarea
          value={source}
          onChange={(event) => setSource(event.target.value)}
          spellCheck={false}
          rows={24}
          className="mt-1 block w-full rounded border border-slate-300 bg-slate-950 p-3 font-mono text-xs text-slate-100"
        />
      </label>
      <div className="flex items-center gap-3">
        <button type="button" onClick={save} disabled={pending} className="rounded bg-slate-900 px-4 py-2 text-sm font-medium text-white hover:bg-slate-700 disabled:opacity-60">
          {pending ? "Saving…" : "Save new version"}
        </button>
        {message ? (
          <p role={problems.length ? "alert" : "status"} className={`text-sm ${problems.length ? "text-red-700" : "text-slate-700"}`}>
            {message}
          </p>
        ) : null}
      </div>
      {problems.length > 0 ? (
        <ul className="space-y-1 rounded border border-red-200 bg-red-50 p-3 font-mono text-xs text-red-900">
          {problems.map((p, i) => (
            <li key={i}>
              {p.line ? `line ${p.line}${p.column ? `, column ${p.column}` : ""}: ` : ""}
              {p.path ? `${p.path}: ` : ""}
              {p.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
