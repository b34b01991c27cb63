"use client";
// Markdown checklist -> preview (nothing saved) -> reviewed and corrected -> saved as a template version.
import { useRouter } from "next/navigation";
import { useMemo, useState, useTransition, type ChangeEvent } from "react";
import { previewImportAction, saveImportedTemplateAction } from "@/app/projects/[project]/templates/actions";
import type { TemplateDefinition, TemplateItem } from "@/lib/templates/schema";
import { KINDS, validateDraft, type Kind, type Problem } from "./import-model";
import { ImportPreview, problemPlace, type ImportFindings } from "./import-preview";

type Props = {
  project: string;
  existing: { name: string; latestVersion: number }[];
  /** The project's environments in deploy order: where an item can be done after its deploy. */
  environments: string[];
};
/** `run` numbers the previews, so a new one starts with fresh inputs. */
type Preview = ImportFindings & { run: number; template: TemplateDefinition };

const field = "mt-1 block w-full rounded border border-slate-300 bg-white px-2 py-1.5 text-sm";
const PLURAL: Record<Kind, string> = { check: "checks", metric: "metrics", manual: "manual", watch: "watches" };

function formatSize(bytes: number): string {
  return bytes < 1024 ? `${bytes} bytes` : `${(bytes / 1024).toFixed(1)} KB`;
}

export function ImportForm({ project, existing, environments }: Props) {
  const router = useRouter();
  const [name, setName] = useState("deployment-checklist");
  const [markdown, setMarkdown] = useState("");
  const [loaded, setLoaded] = useState<string | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [attempted, setAttempted] = useState(false);
  const [serverError, setServerError] = useState<{ message: string; problems: Problem[] } | null>(null);
  const [previewing, startPreview] = useTransition();
  const [saving, startSave] = useTransition();

  const trimmedName = name.trim();
  const draft = useMemo(() => (preview ? { ...preview.template, name: trimmedName } : null), [preview, trimmedName]);
  const clientProblems = useMemo(() => (draft && attempted ? validateDraft(draft) : []), [draft, attempted]);
  const problems = serverError ? [...clientProblems, ...serverError.problems] : clientProblems;
  const sameName = existing.find((t) => t.name === trimmedName);

  async function loadFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    if (!file) return;
    try {
      setMarkdown(await file.text());
      setLoaded(`Loaded ${file.name} (${formatSize(file.size)}).`);
      setPreviewError(null);
    } catch {
      setLoaded(null);
      setPreviewError(`Could not read ${file.name}.`);
    }
  }

  function runPreview() {
    setPreviewError(null);
    if (!markdown.trim()) return setPreviewError("Paste the checklist's Markdown or choose its .md file first.");
    if (!trimmedName) return setPreviewError("Give the template a name.");
    startPreview(async () => {
      const outcome = await previewImportAction(project, trimmedName, markdown);
      if (!outcome.ok) {
        setPreviewError(outcome.error.message);
        return;
      }
      const { template, warnings, itemNotes, repairs, repairedTitles, rendered } = outcome.value;
      setPreview((current) => ({ run: (current?.run ?? 0) + 1, template, imported: template, warnings, itemNotes, repairs, repairedTitles, rendered }));
      setAttempted(false);
      setServerError(null);
    });
  }

  function changeItem(s: number, i: number, item: TemplateItem) {
    setServerError(null);
    setPreview((current) => {
      if (!current) return current;
      const sections = current.template.sections.map((section, sn) =>
        sn === s ? { ...section, items: section.items.map((old, iN) => (iN === i ? item : old)) } : section,
      );
      return { ...current, template: { ...current.template, sections } };
    });
  }

  function save() {
    if (!draft) return;
    setAttempted(true);
    setServerError(null);
    if (validateDraft(draft).length > 0) return;
    startSave(async () => {
      const outcome = await saveImportedTemplateAction(project, draft);
      if (!outcome.ok) {
        setServerError({ message: outcome.error.message, problems: (outcome.error.details ?? []).map((d) => ({ path: d.path, message: d.message })) });
        return;
      }
      router.push(`/projects/${project}/templates/${encodeURIComponent(outcome.value.template)}`);
    });
  }

  const counts = draft ? countKinds(draft) : null;
  const failure = serverError?.message ?? (clientProblems.length > 0 ? `Not saved yet: ${clientProblems.length === 1 ? "1 problem" : `${clientProblems.length} problems`} to fix first.` : null);

  return (
    <div className="space-y-6">
      <section aria-label="Checklist to import" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
        <div className="grid gap-3 md:grid-cols-2">
          <div>
            <label className="block text-sm font-medium">
              Template name
              <input value={name} onChange={(event) => setName(event.target.value)} required maxLength={100} aria-describedby="import-name-hint" className={`${field} font-mono`} />
            </label>
            <p id="import-name-hint" className="mt-1 text-xs text-slate-500">
              {sameName
                ? `A template with this name exists (version ${sameName.latestVersion}): saving adds version ${sameName.latestVersion + 1}.`
                : "A new template; releases pick it by this name."}
            </p>
          </div>
          <div>
            <label className="block text-sm font-medium">
              Markdown file
              <input
                type="file"
                accept=".md,.markdown,text/markdown,text/plain"
                onChange={loadFile}
                aria-describedby="import-file-hint"
                className={`${field} file:mr-3 file:rounded file:border-0 file:bg-slate-100 file:px-2 file:py-1 file:text-sm`}
              />
            </label>
            <p id="import-file-hint" role="status" className="mt-1 text-xs text-slate-500">
              {loaded ?? "Loads the file's text into the box below; nothing is sent until you preview."}
            </p>
          </div>
        </div>
        <label className="block text-sm font-medium">
          Checklist Markdown
          <textarea
            value={markdown}
            onChange={(event) => setMarkdown(event.target.value)}
            rows={12}
            spellCheck={false}
            placeholder={"# Deployment Checklist\n\n## Pre-deploy\n- [ ] Smoke tests pass\n- [ ] Release manager approval"}
            className={`${field} font-mono text-xs`}
          />
        </label>
        <div className="flex flex-wrap items-center gap-3">
          <button type="button" onClick={runPreview} disabled={previewing} className="rounded bg-slate-900 px-4 py-2 text-sm font-medium text-white hover:bg-slate-700 disabled:opacity-60">
            {previewing ? "Reading the checklist…" : "Preview import"}
          </button>
          {preview ? <span className="text-xs text-slate-500">Previewing again starts over: changes made below are discarded.</span> : null}
          {previewError ? (
            <p role="alert" className="text-sm text-red-700">
              {previewError}
            </p>
          ) : null}
        </div>
      </section>

      {preview && draft && counts ? (
        <section aria-labelledby="import-preview" className="space-y-4">
          <div>
            <h2 id="import-preview" className="text-lg font-semibold">
              Preview of <span className="font-mono">{trimmedName || "(no name)"}</span>
            </h2>
            <p className="text-sm text-slate-600">
              {counts.sections} sections · {counts.items} items: {KINDS.filter((k) => counts[k] > 0).map((k) => `${counts[k]} ${counts[k] === 1 && k !== "manual" ? k : PLURAL[k]}`).join(", ")}.
              {counts.afterDeploy > 0 ? ` ${counts.afterDeploy === 1 ? "1 item is" : `${counts.afterDeploy} items are`} done on an environment after its deploy.` : ""} Not saved yet.
            </p>
          </div>
          <ImportPreview
            key={preview.run}
            template={draft}
            imported={preview.imported}
            warnings={preview.warnings}
            itemNotes={preview.itemNotes}
            repairs={preview.repairs}
            repairedTitles={preview.repairedTitles}
            rendered={preview.rendered}
            environments={environments}
            problems={problems}
            onItemChange={changeItem}
          />

          <div className="sticky bottom-0 z-10 -mx-4 border-t border-slate-200 bg-white/95 px-4 py-3 shadow-[0_-4px_12px_rgba(15,23,42,0.08)] backdrop-blur">
            {failure ? (
              <div role="alert" className="mb-2 text-sm text-red-800">
                <p className="font-medium">{failure}</p>
                {problems.length > 0 ? (
                  <ul className="mt-1 max-h-40 space-y-0.5 overflow-auto text-xs">
                    {problems.map((p, n) => {
                      const place = problemPlace(draft, p.path);
                      return (
                        <li key={n}>
                          {place.anchor ? (
                            <a href={`#${place.anchor}`} className="font-medium underline">
                              {place.label}
                            </a>
                          ) : (
                            <span className="font-medium">{place.label}</span>
                          )}{" "}
                          — <span className="font-mono">{p.path || "(template)"}</span>: {p.message}
                        </li>
                      );
                    })}
                  </ul>
                ) : null}
              </div>
            ) : null}
            <div className="flex flex-wrap items-center gap-3">
              <button type="button" onClick={save} disabled={saving} className="rounded bg-emerald-700 px-4 py-2 text-sm font-medium text-white hover:bg-emerald-600 disabled:opacity-60">
                {saving ? "Saving…" : "Save template"}
              </button>
              <span className="text-xs text-slate-600">
                Saves {counts.items} items as {sameName ? `version ${sameName.latestVersion + 1}` : "version 1"} of <span className="font-mono">{trimmedName || "(no name)"}</span>. Existing releases keep
                their own copy.
              </span>
            </div>
          </div>
        </section>
      ) : null}
    </div>
  );
}

function countKinds(template: TemplateDefinition) {
  const counts = { sections: template.sections.length, items: 0, check: 0, metric: 0, manual: 0, watch: 0, afterDeploy: 0 };
  for (const section of template.sections) {
    for (const item of section.items) {
      counts.items += 1;
      counts[item.kind] += 1;
      if (item.verifyOn !== undefined) counts.afterDeploy += 1;
    }
  }
  return counts;
}
