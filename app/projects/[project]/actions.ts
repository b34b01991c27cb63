"use server";
// Project-level actions: creating releases. Same validation and use case as the API.
import { randomUUID } from "node:crypto";
import { requireUser } from "@/lib/auth/session";
import { runAction, type ActionResult } from "@/lib/http/action-result";
import { createRelease } from "@/lib/server/create-release";
import { createReleaseSchema } from "@/lib/validation/admin";

export type NewReleaseForm = { version: string; commit: string; template: string; templateVersion?: string; changedFiles?: string };

export async function createReleaseAction(project: string, form: NewReleaseForm): Promise<ActionResult<{ version: string }>> {
  return runAction(async () => {
    const principal = await requireUser();
    const input = createReleaseSchema.parse({
      version: form.version.trim(),
      commit: form.commit.trim(),
      template: form.template,
      templateVersion: form.templateVersion ? Number(form.templateVersion) : undefined,
      changedFiles: (form.changedFiles ?? "").split("\n").map((line) => line.trim()).filter(Boolean),
    });
    const release = await createRelease({ principal, requestId: randomUUID() }, project, input);
    return { version: release.version };
  });
}
