// A project's GitLab link, managed by its admins: GitLab's address, the GitLab project's id, the
// access token of Shipcheck's GitLab user (write-only: stored for the outbound call, never
// returned, audited only as "set"), and the webhook secret token Shipcheck generates (shown once).
import { z } from "zod";
import { authorize } from "@/lib/auth/permissions";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { recordAudit } from "@/lib/server/audit";
import type { ServerContext } from "@/lib/server/context";
import { findProject } from "@/lib/server/lookup";
import { generateWebhookToken } from "./secret-token";

const baseUrl = z
  .string()
  .trim()
  .max(500, "GitLab's address is at most 500 characters")
  .url("GitLab's address, such as https://gitlab.example.com")
  .refine((u) => /^https?:\/\//i.test(u), "only http and https")
  .refine((u) => !/^https?:\/\/[^/]*@/i.test(u), "put no user name or password in the address: the access token authenticates")
  .refine((u) => !/[?#]/.test(u), "GitLab's address takes no query or fragment")
  .transform((u) => u.replace(/\/+$/, ""));

const accessToken = z
  .string()
  .min(8, "the access token of the GitLab user that approves (a personal, project or group access token with the api scope)")
  .max(1024)
  .regex(/^[\x21-\x7e]+$/, "an access token is visible ASCII characters only");

export const setGitlabLinkSchema = z
  .object({
    baseUrl,
    /** The numeric id GitLab shows on the project's overview page. */
    projectId: z.number().int().positive().max(2 ** 31 - 1),
    /** Needed when first linking; left out, the stored one is kept. */
    accessToken: accessToken.optional(),
  })
  .strict();

export type SetGitlabLinkInput = z.input<typeof setGitlabLinkSchema>;

export type GitlabApprovalView = {
  deploymentId: string;
  environment: string;
  gitlabEnvironment: string;
  release: string | null;
  status: string;
  comment: string | null;
  lastError: string | null;
  createdAt: string;
  answeredAt: string | null;
};

export type GitlabLinkView = {
  project: string;
  linked: boolean;
  baseUrl: string | null;
  projectId: number | null;
  accessTokenSet: boolean;
  webhookPath: string;
  approvals: GitlabApprovalView[];
};

export const GITLAB_WEBHOOK_PATH = "/api/v1/webhooks/gitlab";

export async function getGitlabLink(ctx: ServerContext, projectSlug: string): Promise<GitlabLinkView> {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "project:admin");
  const link = await db().gitlabLink.findUnique({ where: { projectId: project.id } });
  const approvals = await db().gitlabApproval.findMany({ where: { projectId: project.id }, orderBy: { createdAt: "desc" }, take: 10 });
  return {
    project: project.slug,
    linked: link !== null,
    baseUrl: link?.baseUrl ?? null,
    projectId: link?.gitlabProjectId ?? null,
    accessTokenSet: Boolean(link?.accessToken),
    webhookPath: GITLAB_WEBHOOK_PATH,
    approvals: approvals.map((a) => ({
      deploymentId: a.deploymentId.toString(),
      environment: a.environment,
      gitlabEnvironment: a.gitlabEnvironment,
      release: a.releaseVersion,
      status: a.status,
      comment: a.comment,
      lastError: a.lastError,
      createdAt: a.createdAt.toISOString(),
      answeredAt: a.answeredAt?.toISOString() ?? null,
    })),
  };
}

/** Links or updates the link. A new link gets a webhook token, in this answer only. */
export async function setGitlabLink(ctx: ServerContext, projectSlug: string, raw: SetGitlabLinkInput): Promise<GitlabLinkView & { webhookToken?: string }> {
  const input = setGitlabLinkSchema.parse(raw);
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "project:admin");
  const existing = await db().gitlabLink.findUnique({ where: { projectId: project.id } });
  const token = input.accessToken ?? existing?.accessToken;
  if (!token) throw new AppError("validation_failed", "an access token is needed to link GitLab", [{ path: "accessToken", message: "required" }]);
  const secret = existing ? null : generateWebhookToken();

  await db().$transaction(async (tx) => {
    if (existing) {
      await tx.gitlabLink.update({ where: { projectId: project.id }, data: { baseUrl: input.baseUrl, gitlabProjectId: input.projectId, accessToken: token, updatedAt: new Date() } });
    } else {
      await tx.gitlabLink.create({ data: { projectId: project.id, baseUrl: input.baseUrl, gitlabProjectId: input.projectId, accessToken: token, webhookTokenHash: secret!.hash } });
    }
    await recordAudit(tx, ctx, {
      projectId: project.id,
      action: "project.gitlab_linked",
      targetType: "project",
      targetId: project.id,
      before: existing ? { baseUrl: existing.baseUrl, projectId: existing.gitlabProjectId } : {},
      after: { baseUrl: input.baseUrl, projectId: input.projectId, accessTokenChanged: input.accessToken !== undefined && input.accessToken !== existing?.accessToken, webhookTokenCreated: secret !== null },
    });
  });
  const view = await getGitlabLink(ctx, projectSlug);
  return secret ? { ...view, webhookToken: secret.token } : view;
}

/** A new webhook secret token; the old one stops working at once. */
export async function rotateGitlabWebhookToken(ctx: ServerContext, projectSlug: string): Promise<{ project: string; webhookToken: string }> {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "project:admin");
  const secret = generateWebhookToken();
  await db().$transaction(async (tx) => {
    const updated = await tx.gitlabLink.updateMany({ where: { projectId: project.id }, data: { webhookTokenHash: secret.hash, updatedAt: new Date() } });
    if (updated.count === 0) throw new AppError("not_found", `project "${project.slug}" is not linked to GitLab`);
    await recordAudit(tx, ctx, { projectId: project.id, action: "project.gitlab_webhook_token_rotated", targetType: "project", targetId: project.id });
  });
  return { project: project.slug, webhookToken: secret.token };
}

/** Unlinks: the access token is deleted, waiting deployments are left to people in GitLab. */
export async function removeGitlabLink(ctx: ServerContext, projectSlug: string): Promise<void> {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "project:admin");
  await db().$transaction(async (tx) => {
    const removed = await tx.gitlabLink.deleteMany({ where: { projectId: project.id } });
    if (removed.count === 0) throw new AppError("not_found", `project "${project.slug}" is not linked to GitLab`);
    await tx.gitlabApproval.updateMany({ where: { projectId: project.id, status: "waiting" }, data: { status: "ended", lastError: "GitLab was unlinked" } });
    await recordAudit(tx, ctx, { projectId: project.id, action: "project.gitlab_unlinked", targetType: "project", targetId: project.id });
  });
}
