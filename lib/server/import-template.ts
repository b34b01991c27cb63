// Markdown checklist -> template for review; saved as a new version only when asked to.
import { stringify } from "yaml";
import { authorize } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";
import { importMarkdownChecklist, MarkdownImportError } from "@/lib/templates/markdown-import";
import type { TemplateDefinition } from "@/lib/templates/schema";
import type { ServerContext } from "./context";
import { findProject } from "./lookup";
import { saveTemplate } from "./save-template";

/** YAML as a person would write it: the saved source of imported and edited templates. */
export function templateToYaml(template: TemplateDefinition): string {
  return stringify(template, { lineWidth: 0 });
}

export async function importTemplate(ctx: ServerContext, projectSlug: string, name: string, markdown: string, options: { save: boolean }) {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "template:write");
  let imported;
  try {
    // The project's environments decide which steps are done on one after its deploy (verifyOn).
    imported = importMarkdownChecklist(markdown, { name, environments: project.environments.map((e) => e.name) });
  } catch (error) {
    if (error instanceof MarkdownImportError) throw new AppError("validation_failed", error.message);
    throw error;
  }
  const yaml = templateToYaml(imported.template);
  const saved = options.save ? await saveTemplate(ctx, projectSlug, yaml, name) : null;
  const { template, warnings, itemNotes, repairs, repairedTitles } = imported;
  return { template, warnings, itemNotes, repairs, repairedTitles, yaml, saved };
}
