// Markdown checklist -> template for review; saved as a new version only when asked to.
import { stringify } from "yaml";
import { authorize } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";
import { MarkdownImportError } from "@/lib/templates/markdown-import";
import { formatBudget, importMarkdownOffThread, MarkdownBudgetError } from "@/lib/templates/markdown-pool";
import type { TemplateDefinition } from "@/lib/templates/schema";
import type { ServerContext } from "./context";
import { findProject } from "./lookup";
import { markdownUnavailable } from "./rendered-instructions";
import { saveTemplate } from "./save-template";

/** YAML as a person would write it: the saved source of imported and edited templates. */
export function templateToYaml(template: TemplateDefinition): string {
  return stringify(template, { lineWidth: 0 });
}

export async function importTemplate(ctx: ServerContext, projectSlug: string, name: string, markdown: string, options: { save: boolean }) {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "template:write");
  let outcome;
  try {
    // In the Markdown worker, within its budget. The project's environments decide which steps
    // are done on one after its deploy (verifyOn).
    outcome = await importMarkdownOffThread(markdown, { name, environments: project.environments.map((e) => e.name) });
  } catch (error) {
    throw importRefusal(error);
  }
  const { imported, rendered } = outcome;
  const yaml = templateToYaml(imported.template);
  const saved = options.save ? await saveTemplate(ctx, projectSlug, yaml, name) : null;
  const { template, warnings, itemNotes, repairs, repairedTitles } = imported;
  // `rendered`: the texts as the pages will show them, by path (`sections.0.items.1.instructions`), for the preview.
  return { template, warnings, itemNotes, repairs, repairedTitles, yaml, saved, rendered };
}

function importRefusal(error: unknown): unknown {
  if (error instanceof MarkdownImportError) return new AppError("validation_failed", error.message);
  if (error instanceof MarkdownBudgetError) {
    return new AppError(
      "validation_failed",
      error.reason === "time"
        ? `Reading this Markdown took longer than the budget of ${formatBudget(error.budgetMs)} (SHIPCHECK_MARKDOWN_BUDGET_MS), so it was stopped. A deployment checklist is read in well under a second: this text is not one Shipcheck can import (long runs of emphasis markers or unclosed links, or deeply nested lists, are the usual cause).`
        : "Reading this Markdown needed more memory than the importer may use, so it was stopped. Split the checklist into smaller templates.",
    );
  }
  return markdownUnavailable(error);
}
