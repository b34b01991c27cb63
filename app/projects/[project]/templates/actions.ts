"use server";
// Template actions for the editor and the Markdown import preview; same use case as the API.
import { randomUUID } from "node:crypto";
import { requireUser } from "@/lib/auth/session";
import { runAction, type ActionResult } from "@/lib/http/action-result";
import { saveTemplate } from "@/lib/server/save-template";

export async function saveTemplateAction(project: string, source: string, expectedName?: string): Promise<ActionResult<{ template: string; version: number; created: boolean }>> {
  return runAction(async () => {
    const principal = await requireUser();
    return saveTemplate({ principal, requestId: randomUUID() }, project, source, expectedName);
  });
}
