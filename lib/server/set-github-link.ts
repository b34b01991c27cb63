// Links a project to a GitHub repository and the secret of that repository's webhook, or unlinks
// it. The repository is kept lower-case (GitHub names are case-insensitive); the secret is never
// returned or written to the audit trail.
import { z } from "zod";
import { authorize } from "@/lib/auth/permissions";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { recordAudit } from "./audit";
import type { ServerContext } from "./context";
import { findProject } from "./lookup";

export const githubRepositoryName = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/, 'a GitHub repository is "owner/name"')
  .refine((name) => !/\/\.\.?$/.test(name), "not a repository name")
  .transform((name) => name.toLowerCase());

export const githubWebhookSecret = z
  .string()
  .min(16, "use a webhook secret of at least 16 characters (a random one: `openssl rand -hex 32`)")
  .max(1024)
  .regex(/^[^\u0000-\u001f\u007f]+$/, "control characters are not allowed");

export const setGithubLinkSchema = z
  .object({
    /** "owner/name", or null to unlink. */
    repository: githubRepositoryName.nullable(),
    /** Needed when first linking; optional when only the repository changes. */
    secret: githubWebhookSecret.optional(),
  })
  .strict();

export type SetGithubLinkInput = z.input<typeof setGithubLinkSchema>;

export type GithubLink = { project: string; repository: string | null; secretSet: boolean };

export async function setGithubLink(ctx: ServerContext, projectSlug: string, raw: SetGithubLinkInput): Promise<GithubLink> {
  const input = setGithubLinkSchema.parse(raw);
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "project:admin");

  const repository = input.repository;
  const secret = repository === null ? null : (input.secret ?? project.githubWebhookSecret);
  if (repository !== null && !secret) {
    throw new AppError("validation_failed", "a webhook secret is needed to link a repository", [{ path: "secret", message: "required" }]);
  }

  try {
    await db().$transaction(async (tx) => {
      await tx.project.update({ where: { id: project.id }, data: { githubRepository: repository, githubWebhookSecret: secret } });
      await recordAudit(tx, ctx, {
        projectId: project.id,
        action: repository === null ? "project.github_unlinked" : "project.github_linked",
        targetType: "project",
        targetId: project.id,
        before: { repository: project.githubRepository, secretSet: Boolean(project.githubWebhookSecret) },
        after: { repository, secretSet: Boolean(secret), secretChanged: secret !== project.githubWebhookSecret },
      });
    });
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") {
      throw new AppError("conflict", `repository "${repository}" is already linked to another project`);
    }
    throw error;
  }
  return { project: project.slug, repository, secretSet: Boolean(secret) };
}
