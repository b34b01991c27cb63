"use server";
// Project-level actions: creating releases, locking deploys. Same validation and use case as the API.
import { randomUUID } from "node:crypto";
import { requireUser } from "@/lib/auth/session";
import { runAction, type ActionResult } from "@/lib/http/action-result";
import { createRelease } from "@/lib/server/create-release";
import { lockProject, unlockProject } from "@/lib/server/project-lock";
import { createReleaseSchema } from "@/lib/validation/admin";
import { projectLockInputSchema } from "@/lib/validation/release";

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

export async function lockProjectAction(project: string, form: { reason: string }): Promise<ActionResult<{ locked: boolean }>> {
  return runAction(async () => {
    const principal = await requireUser();
    const input = projectLockInputSchema.parse(form);
    const state = await lockProject({ principal, requestId: randomUUID() }, project, input);
    return { locked: state.locked };
  });
}

export async function unlockProjectAction(project: string): Promise<ActionResult<{ locked: boolean }>> {
  return runAction(async () => {
    const principal = await requireUser();
    const state = await unlockProject({ principal, requestId: randomUUID() }, project);
    return { locked: state.locked };
  });
}
