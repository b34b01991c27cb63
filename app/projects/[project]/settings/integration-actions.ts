"use server";
// Settings → GitLab and the public badge: the same use cases (and permission checks) as the API.
import { randomUUID } from "node:crypto";
import { revalidatePath } from "next/cache";
import { requireUser } from "@/lib/auth/session";
import { runAction, type ActionResult } from "@/lib/http/action-result";
import { removeGitlabLink, rotateGitlabWebhookToken, setGitlabLink } from "@/lib/integrations/gitlab/link";
import { createBadgeKey, removeBadgeKey } from "@/lib/server/badge-keys";

async function context() {
  return { principal: await requireUser(), requestId: randomUUID() };
}

/** Links or updates GitLab; a new link's webhook secret token comes back this once. */
export async function setGitlabLinkAction(project: string, form: { baseUrl: string; projectId: string; accessToken: string }): Promise<ActionResult<{ webhookToken: string | null }>> {
  return runAction(async () => {
    const saved = await setGitlabLink(await context(), project, {
      baseUrl: form.baseUrl,
      projectId: /^\d+$/.test(form.projectId.trim()) ? Number(form.projectId.trim()) : Number.NaN,
      accessToken: form.accessToken === "" ? undefined : form.accessToken,
    });
    revalidatePath(`/projects/${project}/settings`);
    return { webhookToken: saved.webhookToken ?? null };
  });
}

export async function rotateGitlabWebhookTokenAction(project: string): Promise<ActionResult<{ webhookToken: string }>> {
  return runAction(async () => {
    const rotated = await rotateGitlabWebhookToken(await context(), project);
    return { webhookToken: rotated.webhookToken };
  });
}

export async function removeGitlabLinkAction(project: string): Promise<ActionResult<{ linked: false }>> {
  return runAction(async () => {
    await removeGitlabLink(await context(), project);
    revalidatePath(`/projects/${project}/settings`);
    return { linked: false as const };
  });
}

/** Creates or rotates the badge key; the key and the Markdown come back this once. */
export async function createBadgeKeyAction(project: string): Promise<ActionResult<{ urls: { environment: string; url: string; markdown: string }[] }>> {
  return runAction(async () => {
    const created = await createBadgeKey(await context(), project);
    revalidatePath(`/projects/${project}/settings`);
    return { urls: created.urls };
  });
}

export async function removeBadgeKeyAction(project: string): Promise<ActionResult<{ exists: false }>> {
  return runAction(async () => {
    await removeBadgeKey(await context(), project);
    revalidatePath(`/projects/${project}/settings`);
    return { exists: false as const };
  });
}
