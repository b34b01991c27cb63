"use server";
// Project settings: members, API tokens, webhooks, the GitHub link and the Prometheus data source. Same use cases (and permission checks) as the CLI.
import { randomUUID } from "node:crypto";
import { revalidatePath } from "next/cache";
import { requireUser } from "@/lib/auth/session";
import type { TokenPermission } from "@/lib/auth/tokens";
import { runAction, type ActionResult } from "@/lib/http/action-result";
import { revokeApiToken } from "@/lib/server/api-tokens";
import { createApiToken } from "@/lib/server/create-api-token";
import { endMemberSessions } from "@/lib/server/end-user-sessions";
import { addMember, removeMember, setMemberRole } from "@/lib/server/members";
import { setEmailNotifications } from "@/lib/server/email-notifications";
import { setPrometheusSource, type PrometheusSourceView } from "@/lib/server/prometheus-source";
import { setGithubLink } from "@/lib/server/set-github-link";
import { createWebhook, deleteWebhook, redeliver } from "@/lib/server/webhooks";
import { addMemberSchema, setMemberRoleSchema } from "@/lib/validation/members";

async function context() {
  return { principal: await requireUser(), requestId: randomUUID() };
}

export async function createTokenAction(project: string, form: { name: string; permissions: string[]; expiresInDays?: number }): Promise<ActionResult<{ token: string }>> {
  return runAction(async () => {
    const created = await createApiToken(await context(), {
      project,
      name: form.name.trim(),
      permissions: form.permissions as TokenPermission[],
      expiresInDays: form.expiresInDays,
    });
    revalidatePath(`/projects/${project}/settings`);
    return { token: created.token };
  });
}

export async function revokeTokenAction(project: string, tokenId: string): Promise<ActionResult<{ id: string }>> {
  return runAction(async () => {
    const revoked = await revokeApiToken(await context(), project, tokenId);
    revalidatePath(`/projects/${project}/settings`);
    return { id: revoked.id };
  });
}

export async function setGithubLinkAction(
  project: string,
  form: { repository: string; secret: string; appId?: string; privateKey?: string },
): Promise<ActionResult<{ repository: string | null }>> {
  return runAction(async () => {
    const link = await setGithubLink(await context(), project, {
      repository: form.repository.trim() === "" ? null : form.repository,
      secret: form.secret === "" ? undefined : form.secret,
      // An empty App id forgets the project's App (the instance's is used, if any); an empty key
      // keeps the stored one; a form without the App's fields leaves the App as it is.
      ...(form.appId === undefined
        ? {}
        : {
            appId: form.appId.trim() === "" ? null : form.appId,
            privateKey: form.appId.trim() === "" ? null : (form.privateKey ?? "").trim() === "" ? undefined : form.privateKey,
          }),
    });
    revalidatePath(`/projects/${project}/settings`);
    return { repository: link.repository };
  });
}

export async function addMemberAction(project: string, form: { email: string; role: string }): Promise<ActionResult<{ email: string; password: string | null }>> {
  return runAction(async () => {
    const added = await addMember(await context(), project, addMemberSchema.parse(form));
    revalidatePath(`/projects/${project}/settings`);
    return { email: added.email, password: added.password };
  });
}

export async function setMemberRoleAction(project: string, userId: string, role: string): Promise<ActionResult<{ role: string }>> {
  return runAction(async () => {
    const changed = await setMemberRole(await context(), project, userId, setMemberRoleSchema.parse({ role }).role);
    revalidatePath(`/projects/${project}/settings`);
    return { role: changed.role };
  });
}

export async function removeMemberAction(project: string, userId: string): Promise<ActionResult<{ userId: string }>> {
  return runAction(async () => {
    await removeMember(await context(), project, userId);
    revalidatePath(`/projects/${project}/settings`);
    return { userId };
  });
}

/** Signs a member out everywhere: every session of theirs ends at once. */
export async function endMemberSessionsAction(project: string, userId: string): Promise<ActionResult<{ userId: string }>> {
  return runAction(async () => {
    await endMemberSessions(await context(), project, userId);
    return { userId };
  });
}

/** Adds a webhook endpoint; the signing secret comes back this once. */
export async function createWebhookAction(project: string, form: { url: string; format: string; events: string[] }): Promise<ActionResult<{ secret: string }>> {
  return runAction(async () => {
    const created = await createWebhook(await context(), project, form);
    revalidatePath(`/projects/${project}/settings`);
    return { secret: created.secret };
  });
}

export async function deleteWebhookAction(project: string, webhookId: string): Promise<ActionResult<{ id: string }>> {
  return runAction(async () => {
    await deleteWebhook(await context(), project, webhookId);
    revalidatePath(`/projects/${project}/settings`);
    return { id: webhookId };
  });
}

/** Sends a delivery again now, same webhook-id and payload. */
export async function redeliverAction(project: string, webhookId: string, deliveryId: string): Promise<ActionResult<{ id: string }>> {
  return runAction(async () => {
    await redeliver(await context(), project, webhookId, deliveryId);
    revalidatePath(`/projects/${project}/settings`);
    return { id: deliveryId };
  });
}

/** Emails the project's notifications to the members who can act, or stops it. */
export async function setEmailNotificationsAction(project: string, form: { email: boolean }): Promise<ActionResult<{ email: boolean }>> {
  return runAction(async () => {
    const saved = await setEmailNotifications(await context(), project, form);
    revalidatePath(`/projects/${project}/settings`);
    return { email: saved.email };
  });
}

export async function setPrometheusSourceAction(project: string, form: { url: string; bearerToken: string; removeToken: boolean }): Promise<ActionResult<PrometheusSourceView>> {
  return runAction(async () => {
    const url = form.url.trim() === "" ? null : form.url;
    // An empty token field keeps the token set; the box removes it.
    const bearerToken = form.removeToken ? null : form.bearerToken === "" ? undefined : form.bearerToken;
    const saved = await setPrometheusSource(await context(), project, { url, bearerToken });
    revalidatePath(`/projects/${project}/settings`);
    return saved;
  });
}
