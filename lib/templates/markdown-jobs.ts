// What the Markdown worker is asked to do, and what it answers: the messages between
// markdown-pool.ts (the server's side) and markdown-worker.ts (the worker thread's side).
import type { ResultCount } from "../ingest/count-results";
import type { JUnitOutcome } from "../ingest/junit-job";
import type { ParseOptions } from "../ingest/report";
import type { MarkdownImport, MarkdownImportOptions } from "./markdown-import";
import type { ParseOutcome } from "./parse";
import type { RenderedMarkdown } from "./rendered-markdown";

/** One text to render, named by where it is (`sections.0.items.2.instructions`). */
export type RenderSource = { path: string; markdown: string };

export type MarkdownJob =
  /** A Markdown checklist -> a template, and the rendering of its texts for the preview. */
  | { kind: "import"; markdown: string; options: MarkdownImportOptions }
  /** A template's YAML or JSON -> the validated template, and its texts rendered (for saving it). */
  | { kind: "template"; source: string }
  /** Texts -> renderings, one after the other. */
  | { kind: "render"; sources: RenderSource[] }
  /** A large JSON report -> how many results it holds (lib/ingest/count-results.ts). */
  | { kind: "count-results"; text: string }
  /** A JUnit report -> its results, or the error it gets (lib/ingest/junit-job.ts). */
  | { kind: "junit"; text: string; options: ParseOptions; url: string };

export type ImportOutcome = { imported: MarkdownImport; rendered: Record<string, RenderedMarkdown> };

/** `rendered` only when the template is valid. */
export type TemplateOutcome = { parsed: ParseOutcome; rendered: Record<string, RenderedMarkdown> };

export type JobResult<J extends MarkdownJob> = J extends { kind: "import" }
  ? ImportOutcome
  : J extends { kind: "template" }
    ? TemplateOutcome
    : J extends { kind: "count-results" }
      ? ResultCount
      : J extends { kind: "junit" }
        ? JUnitOutcome
        : Record<string, RenderedMarkdown>;

export type ToWorker = { id: number; job: MarkdownJob };

export type FromWorker =
  | { type: "ready" }
  /** A template job's template is valid: these texts are rendered next, in this order. */
  | { id: number; type: "parsed"; paths: string[] }
  /** One text of a render or template job, done (they come in the order asked). */
  | { id: number; type: "rendered"; path: string; rendered: RenderedMarkdown }
  /** The job is finished; an import or template job's outcome comes with it. */
  | { id: number; type: "done"; result?: ImportOutcome | TemplateOutcome | ResultCount | JUnitOutcome }
  /** The document cannot become a template (MarkdownImportError): a message for the person who sent it. */
  | { id: number; type: "refused"; message: string }
  | { id: number; type: "failed"; message: string };

export const instructionsPath = (section: number, item: number) => `sections.${section}.items.${item}.instructions`;

/** Where each text of a template is, as the paths of its validation errors say it. */
export function templateSources(template: {
  description?: string;
  sections: { items: { instructions?: string }[] }[];
  rollback?: { instructions: string };
}): RenderSource[] {
  const sources: RenderSource[] = [];
  template.sections.forEach((section, s) =>
    section.items.forEach((item, i) => {
      if (item.instructions) sources.push({ path: instructionsPath(s, i), markdown: item.instructions });
    }),
  );
  if (template.rollback?.instructions) sources.push({ path: "rollback.instructions", markdown: template.rollback.instructions });
  return sources;
}
