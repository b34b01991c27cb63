// Instructions are rendered once, in the Markdown worker, and stored; pages show the stored
// rendering and never parse Markdown while answering a view.
// - Saving a template version renders its texts within the budget, or refuses the version (422).
// - A release copies its template version's renderings into its items.
// - Rows stored before renderings existed get theirs the first time one is needed (a release
//   is made from the version, or its page is viewed), then keep it: a text that cannot be
//   rendered within the budget is stored as plain text, shown as written.
import { Prisma, type ReleaseItem, type TemplateVersion } from "@/generated/prisma/client";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { instructionsPath, templateSources } from "@/lib/templates/markdown-jobs";
import { formatBudget, MarkdownBudgetError, MarkdownBusyError, MarkdownWorkerError, parseTemplateOffThread, renderOffThread } from "@/lib/templates/markdown-pool";
import type { ParseOutcome } from "@/lib/templates/parse";
import { plainRendering, type RenderedMarkdown } from "@/lib/templates/rendered-markdown";
import type { TemplateDefinition } from "@/lib/templates/schema";

/** A template version's renderings, by the path of the text (`sections.0.items.2.instructions`, `rollback.instructions`). */
export type TemplateRenderings = Record<string, RenderedMarkdown>;

/** The Markdown worker's failures that are not the text's fault (busy, could not start) as 503s; other errors as they are. */
export function markdownUnavailable(error: unknown): unknown {
  if (error instanceof MarkdownBusyError) return new AppError("service_unavailable", error.message, undefined, { retryAfter: 5 });
  if (error instanceof MarkdownWorkerError) return new AppError("service_unavailable", `${error.message}; retry shortly`, undefined, { retryAfter: 5 });
  return error;
}

/**
 * A template's source, read and validated, with its texts rendered, for saving it. Refuses (422)
 * a template that takes longer than the budget to read or render, naming the text if it was one.
 */
export async function readForSave(source: string): Promise<{ parsed: ParseOutcome; rendered: TemplateRenderings }> {
  try {
    return await parseTemplateOffThread(source);
  } catch (error) {
    if (!(error instanceof MarkdownBudgetError)) throw markdownUnavailable(error);
    const budget = `the budget of ${formatBudget(error.budgetMs)} (SHIPCHECK_MARKDOWN_BUDGET_MS)`;
    const message = !error.at
      ? error.reason === "time"
        ? `reading this template took longer than ${budget}; a template is read in milliseconds, so shorten it`
        : "reading this template needed more memory than is allowed; shorten it"
      : error.reason === "time"
        ? `these instructions could not be rendered within ${budget}; a checklist's instructions take milliseconds, so shorten or simplify them`
        : "these instructions need more memory to render than is allowed; shorten or simplify them";
    const path = error.at ?? "";
    throw new AppError("validation_failed", `the template is not valid: ${path ? `${path}: ` : ""}${message}`, [{ path, message }]);
  }
}

/** Renders the texts, keeping whatever the budget allows; the rest is plain text. */
async function renderOrPlain(sources: { path: string; markdown: string }[]): Promise<TemplateRenderings> {
  try {
    return await renderOffThread(sources);
  } catch (error) {
    if (!(error instanceof MarkdownBudgetError)) throw markdownUnavailable(error);
    return Object.fromEntries(sources.map(({ path, markdown }) => [path, error.done[path] ?? plainRendering(markdown)]));
  }
}

type VersionRow = Pick<TemplateVersion, "id" | "definition" | "renderedInstructions">;

/** A template version's renderings, rendered and stored now if it was saved before they were. */
export async function templateVersionRenderings(version: VersionRow): Promise<TemplateRenderings> {
  return (await releaseRenderings([], version)).template;
}

type ItemRow = Pick<ReleaseItem, "id" | "key" | "instructions" | "renderedInstructions">;

/**
 * A release's renderings: its items' (by item id) and its template version's. What rows made
 * before renderings existed lack is made now, in one job within one budget, and stored: an
 * item's text is its template's, whose rendering it takes, or its own (a guarded-path item).
 */
export async function releaseRenderings(items: ItemRow[], version: VersionRow): Promise<{ items: Map<string, RenderedMarkdown>; template: TemplateRenderings }> {
  const found = new Map<string, RenderedMarkdown>();
  const missing: ItemRow[] = [];
  for (const item of items) {
    if (item.renderedInstructions !== null) found.set(item.id, item.renderedInstructions as RenderedMarkdown);
    else if (item.instructions) missing.push(item);
  }
  const stored = version.renderedInstructions as TemplateRenderings | null;
  if (stored && missing.length === 0) return { items: found, template: stored };

  const definition = version.definition as TemplateDefinition;
  const pathOfKey = new Map<string, { path: string; text: string | undefined }>();
  definition.sections.forEach((section, s) => section.items.forEach((item, i) => pathOfKey.set(item.key, { path: instructionsPath(s, i), text: item.instructions })));
  const own = missing.filter((item) => pathOfKey.get(item.key)?.text !== item.instructions);
  const rendered = await renderOrPlain([...(stored ? [] : templateSources(definition)), ...own.map((item) => ({ path: item.id, markdown: item.instructions! }))]);

  const template = stored ?? Object.fromEntries(templateSources(definition).map(({ path }) => [path, rendered[path]!]));
  if (!stored) {
    // Two first readers may both render; either result is the same, and the first one stays.
    await db().templateVersion.updateMany({
      where: { id: version.id, renderedInstructions: { equals: Prisma.DbNull } },
      data: { renderedInstructions: template as unknown as Prisma.InputJsonValue },
    });
  }
  if (missing.length > 0) {
    for (const item of missing) found.set(item.id, rendered[item.id] ?? template[pathOfKey.get(item.key)!.path]!);
    const ids = missing.map((item) => item.id);
    const renderings = missing.map((item) => JSON.stringify(found.get(item.id)));
    await db().$executeRaw`
      UPDATE "ReleaseItem" AS item SET "renderedInstructions" = filled.rendering
      FROM unnest(${ids}::uuid[], ${renderings}::jsonb[]) AS filled(id, rendering)
      WHERE item.id = filled.id AND item."renderedInstructions" IS NULL`;
  }
  return { items: found, template };
}
