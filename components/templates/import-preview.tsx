"use client";
// The parsed checklist before it is saved: what the importer noticed, then every section and item.
import { Instructions } from "@/components/release/instructions";
import type { ImportedItemNote, RepairedTitle } from "@/lib/templates/markdown-import";
import { instructionsPath } from "@/lib/templates/markdown-jobs";
import { describeRepairs, repairWarning, visible, type MojibakeRepair } from "@/lib/templates/markdown-text";
import { plainRendering, type RenderedMarkdown } from "@/lib/templates/rendered-markdown";
import type { TemplateDefinition, TemplateItem } from "@/lib/templates/schema";
import { ImportItemRow } from "./import-item-row";
import { itemPath, KIND_HELP, KINDS, placeablePhase, problemItem, type Problem } from "./import-model";

const PHASE_LABEL: Record<string, string> = {
  "pre-deploy": "Pre-deploy · counts for the gate",
  deploy: "Deploy",
  "post-deploy": "Post-deploy",
  monitoring: "Monitoring",
  rollback: "Rollback criteria · watched after deploy",
};

const PHASE_TONE: Record<string, string> = {
  "pre-deploy": "bg-sky-100 text-sky-900",
  deploy: "bg-violet-100 text-violet-900",
  "post-deploy": "bg-emerald-100 text-emerald-900",
  monitoring: "bg-slate-200 text-slate-800",
  rollback: "bg-red-100 text-red-900",
};

export const itemRowId = (s: number, i: number) => `import-item-${s}-${i}`;

/** What the importer made of the Markdown, as the preview shows it beside the edited draft. */
export type ImportFindings = {
  imported: TemplateDefinition;
  warnings: string[];
  /** Per item: where the importer decided it is done, and why. */
  itemNotes: ImportedItemNote[];
  repairs: MojibakeRepair[];
  repairedTitles: RepairedTitle[];
  /** The imported texts as the pages will show them, by path (`sections.0.items.1.instructions`, `description`). */
  rendered: Record<string, RenderedMarkdown>;
};

type Props = ImportFindings & {
  template: TemplateDefinition;
  /** The project's environments, in deploy order. */
  environments: string[];
  problems: Problem[];
  onItemChange: (s: number, i: number, item: TemplateItem) => void;
};

export function ImportPreview({ template, imported, warnings, itemNotes, repairs, repairedTitles, rendered, environments, problems, onItemChange }: Props) {
  const byItem = new Map<string, Problem[]>();
  for (const p of problems) {
    const at = problemItem(p.path);
    if (at) byItem.set(at, [...(byItem.get(at) ?? []), p]);
  }
  const notes = new Map(itemNotes.map((n) => [`${n.section}.${n.item}`, n.because]));
  const repairedFrom = new Map(repairedTitles.filter((r) => r.item !== undefined).map((r) => [`${r.section}.${r.item}`, r.before]));
  // The repairs have a notice of their own, with the titles they changed.
  const shown = repairs.length > 0 ? warnings.filter((w) => w !== repairWarning(repairs)) : warnings;
  return (
    <div className="space-y-6">
      {repairs.length > 0 ? (
        <section aria-labelledby="import-repairs" className="rounded-lg border border-sky-300 bg-sky-50 p-4 text-sm text-sky-950">
          <h3 id="import-repairs" className="font-semibold">
            Repaired mis-encoded characters ({repairs.length})
          </h3>
          <p className="mt-1">
            Parts of this file were saved as UTF-8 and read back as Mac Roman on the way (<span className="font-mono">‚úÖ</span> instead of ✅). Shipcheck repaired them where the
            repair is exact; nothing else was changed. Edit any title below if it still reads wrong.
          </p>
          <ul aria-label="Repairs" className="mt-1 list-disc space-y-0.5 pl-5">
            {describeRepairs(repairs).map((line) => (
              <li key={line} className="[overflow-wrap:anywhere]">
                {line}
              </li>
            ))}
          </ul>
          {repairedTitles.length > 0 ? (
            <details className="mt-2">
              <summary className="cursor-pointer font-medium">
                {repairedTitles.length === 1 ? "1 title" : `${repairedTitles.length} titles`} repaired
              </summary>
              <ul aria-label="Repaired titles" className="mt-1 space-y-0.5 pl-5 text-xs">
                {repairedTitles.map((r, n) => (
                  <li key={n} className="[overflow-wrap:anywhere]">
                    <span className="text-sky-800 line-through">{visible(r.before)}</span> → {r.after}
                  </li>
                ))}
              </ul>
            </details>
          ) : null}
        </section>
      ) : null}

      {shown.length > 0 ? (
        <section aria-labelledby="import-warnings" className="rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm text-amber-950">
          <h3 id="import-warnings" className="font-semibold">
            What the importer decided ({shown.length})
          </h3>
          <ul className="mt-1 list-disc space-y-0.5 pl-5">
            {shown.map((w, n) => (
              <li key={n} className="[overflow-wrap:anywhere]">
                {w}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="import-guarded" className="rounded-lg border border-slate-200 bg-white p-4 text-sm shadow-sm">
        <h3 id="import-guarded" className="font-semibold">
          Guarded paths
        </h3>
        <p className="text-xs text-slate-500">A release whose changed files touch one of these must also pass the checks listed under it.</p>
        {template.guardedPaths.length === 0 ? (
          <p className="mt-2 text-slate-600">None found.</p>
        ) : (
          <ul className="mt-2 divide-y divide-slate-100">
            {template.guardedPaths.map((g, n) => (
              <li key={n} className="py-2">
                <p className="text-sm">
                  <span className="font-mono text-xs font-medium text-slate-900 [overflow-wrap:anywhere]">{g.path}</span>
                  {g.lines ? <span className="text-xs text-slate-600">{` lines ${g.lines.from}–${g.lines.to}`}</span> : null}
                  {g.note ? <span className="text-xs text-slate-600">{` · ${g.note}`}</span> : null}
                </p>
                <ul aria-label={`Checks needed when ${g.path} changes`} className="mt-0.5 pl-4 font-mono text-xs text-slate-600">
                  {g.checks.map((c) => (
                    <li key={c} className="[overflow-wrap:anywhere]">
                      needs {c}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="import-rollback" className="rounded-lg border border-slate-200 bg-white p-4 text-sm shadow-sm">
        <h3 id="import-rollback" className="font-semibold">
          Rollback instructions
        </h3>
        <p className="text-xs text-slate-500">Shown with the rollback recommendation when a watch item trips.</p>
        <p className="mt-2 whitespace-pre-wrap text-slate-800">{template.rollback?.instructions || "None found."}</p>
      </section>

      {template.description ? (
        <details className="rounded-lg border border-slate-200 bg-white p-4 text-sm shadow-sm">
          <summary className="cursor-pointer font-semibold">Description (notes and reference material kept from the document)</summary>
          <Instructions rendered={rendered.description ?? plainRendering(template.description)} />
        </details>
      ) : null}

      <p className="text-xs text-slate-600">
        <span className="font-medium">Kinds:</span>{" "}
        {KINDS.map((k, n) => (
          <span key={k}>
            {n > 0 ? " · " : ""}
            <strong>{k}</strong> {KIND_HELP[k]}
          </span>
        ))}
        . Changing an item&apos;s kind keeps its key, title and instructions and asks for what the new kind needs.
      </p>
      {environments.length > 1 ? (
        <p className="text-xs text-slate-600">
          <span className="font-medium">Done:</span> a pre-deploy item is done before each deploy and gates that deploy. A step that can only be checked once an environment runs the release
          (&ldquo;deploy to {environments[0]} first and verify there&rdquo;) is done on that environment after its deploy, once, and gates the environments after it instead.
        </p>
      ) : null}

      {template.sections.map((section, s) => {
        const headingId = `import-section-${s}`;
        return (
          <section key={s} aria-labelledby={headingId} className="overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm">
            <header className="flex flex-wrap items-center gap-x-3 gap-y-1 border-b border-slate-100 px-4 py-3">
              <h3 id={headingId} className="font-semibold">
                {section.title}
              </h3>
              <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${PHASE_TONE[section.phase] ?? "bg-slate-100"}`}>{PHASE_LABEL[section.phase] ?? section.phase}</span>
              <span className="text-xs text-slate-500">
                {section.items.length} item{section.items.length === 1 ? "" : "s"}
              </span>
            </header>
            {section.items.length === 0 ? (
              <p className="px-4 py-3 text-sm text-slate-600">No items.</p>
            ) : (
              // Below md the rows stack (one card per item), so nothing scrolls sideways on a phone.
              <table className="block w-full text-sm md:table md:table-fixed">
                <thead className="hidden bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-500 md:table-header-group">
                  <tr>
                    <th scope="col" className="px-3 py-2">
                      {placeablePhase(section.phase) ? "Item · what it will do · where it is done · key" : "Item · what it will do · key"}
                    </th>
                    <th scope="col" className="w-32 px-3 py-2">
                      Kind
                    </th>
                    <th scope="col" className="w-80 px-3 py-2">
                      Settings
                    </th>
                  </tr>
                </thead>
                <tbody className="block divide-y divide-slate-100 md:table-row-group">
                  {section.items.map((item, i) => (
                    <ImportItemRow
                      key={i}
                      id={itemRowId(s, i)}
                      item={item}
                      imported={imported.sections[s]?.items[i]}
                      problems={byItem.get(`${s}.${i}`) ?? []}
                      phase={section.phase}
                      environments={environments}
                      note={notes.get(`${s}.${i}`)}
                      repairedFrom={repairedFrom.get(`${s}.${i}`)}
                      renderedInstructions={item.instructions === imported.sections[s]?.items[i]?.instructions ? rendered[instructionsPath(s, i)] : undefined}
                      onChange={(next) => onItemChange(s, i, next)}
                    />
                  ))}
                </tbody>
              </table>
            )}
          </section>
        );
      })}
    </div>
  );
}

/** Where a problem is, in words ("Local Testing (in Manual Verification Steps)") rather than an index path. */
export function problemPlace(template: TemplateDefinition, path: string): { label: string; anchor: string | null } {
  const at = problemItem(path);
  if (!at) return { label: path || "template", anchor: null };
  const [s, i] = at.split(".").map(Number) as [number, number];
  const section = template.sections[s];
  const item = section?.items[i];
  if (!item) return { label: itemPath(s, i), anchor: itemRowId(s, i) };
  return { label: item.title === section!.title ? item.title : `${item.title} (in ${section!.title})`, anchor: itemRowId(s, i) };
}
