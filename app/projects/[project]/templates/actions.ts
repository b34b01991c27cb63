"use server";
// Template actions for the editor and the Markdown import preview; same use case as the API.
import { randomUUID } from "node:crypto";
import { requireUser } from "@/lib/auth/session";
import { runAction, type ActionResult } from "@/lib/http/action-result";
import { importTemplate, templateToYaml } from "@/lib/server/import-template";
import { saveTemplate } from "@/lib/server/save-template";
import type { TemplateDefinition } from "@/lib/templates/schema";

export async function saveTemplateAction(project: string, source: string, expectedName?: string): Promise<ActionResult<{ template: string; version: number; created: boolean }>> {
  return runAction(async () => {
    const principal = await requireUser();
    return saveTemplate({ principal, requestId: randomUUID() }, project, source, expectedName);
  });
}

/** Parses Markdown for the preview; nothing is saved. */
export async function previewImportAction(project: string, name: string, markdown: string) {
  return runAction(async () => {
    const principal = await requireUser();
    const { template, warnings, itemNotes, repairs, repairedTitles, rendered } = await importTemplate({ principal, requestId: randomUUID() }, project, name, markdown, { save: false });
    return { template, warnings, itemNotes, repairs, repairedTitles, rendered };
  });
}

/** Saves the (possibly edited) preview as the template's next version. */
export async function saveImportedTemplateAction(project: string, template: TemplateDefinition): Promise<ActionResult<{ template: string; version: number; created: boolean }>> {
  return runAction(async () => {
    const principal = await requireUser();
    return saveTemplate({ principal, requestId: randomUUID() }, project, templateToYaml(template), template.name);
  });
}
