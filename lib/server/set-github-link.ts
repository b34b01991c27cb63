// Links a project to a GitHub repository and the secret of that repository's webhook (and, for
// commit statuses and deployment protection rules, the GitHub App Shipcheck acts as), or unlinks
// it. The repository is kept lower-case (GitHub names are case-insensitive); the secret and the
// App's private key are never returned or written to the audit trail.
import { createPrivateKey } from "node:crypto";
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

export const githubAppId = z.string().trim().regex(/^\d{1,20}$/, "a GitHub App id is a number (the App's settings page shows it)");

/** The App's private key as GitHub downloads it (PEM); checked to be one, never echoed. */
export const githubAppPrivateKey = z
  .string()
  .max(16 * 1024)
  .refine((text) => {
    if (!/-----BEGIN (RSA )?PRIVATE KEY-----/.test(text)) return false;
    try {
      return createPrivateKey(text).asymmetricKeyType === "rsa";
    } catch {
      return false;
    }
  }, "not an RSA private key in PEM form (the .pem file GitHub generates for the App)");

export const setGithubLinkSchema = z
  .object({
    /** "owner/name", or null to unlink. */
    repository: githubRepositoryName.nullable(),
    /** Needed when first linking; optional when only the repository changes. */
    secret: githubWebhookSecret.optional(),
    /** The project's own GitHub App (else the instance's); null forgets it. Both or neither. */
    appId: githubAppId.nullable().optional(),
    privateKey: githubAppPrivateKey.nullable().optional(),
  })
  .strict();

export type SetGithubLinkInput = z.input<typeof setGithubLinkSchema>;

export type GithubLink = { project: string; repository: string | null; secretSet: boolean; appId: string | null; privateKeySet: boolean };

export async function setGithubLink(ctx: ServerContext, projectSlug: string, raw: SetGithubLinkInput | unknown): Promise<GithubLink> {
  const input = setGithubLinkSchema.parse(raw);
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "project:admin");

  const repository = input.repository;
  const secret = repository === null ? null : (input.secret ?? project.githubWebhookSecret);
  if (repository !== null && !secret) {
    throw new AppError("validation_failed", "a webhook secret is needed to link a repository", [{ path: "secret", message: "required" }]);
  }

  // Unlinking forgets the App too; otherwise what is not named stays as it is.
  const appId = repository === null ? null : input.appId === undefined ? project.githubAppId : input.appId;
  const privateKey = repository === null ? null : input.privateKey === undefined ? project.githubAppPrivateKey : input.privateKey;
  if (Boolean(appId) !== Boolean(privateKey)) {
    const missing = appId ? "privateKey" : "appId";
    throw new AppError("validation_failed", "a GitHub App needs both its id and its private key", [{ path: missing, message: "required with the other" }]);
  }

  try {
    await db().$transaction(async (tx) => {
      await tx.project.update({
        where: { id: project.id },
        data: {
          githubRepository: repository,
          githubWebhookSecret: secret,
          githubAppId: appId,
          githubAppPrivateKey: privateKey,
          // Learnt again from the new repository's next signed event.
          ...(repository !== project.githubRepository ? { githubInstallationId: null } : {}),
        },
      });
      await recordAudit(tx, ctx, {
        projectId: project.id,
        action: repository === null ? "project.github_unlinked" : "project.github_linked",
        targetType: "project",
        targetId: project.id,
        before: { repository: project.githubRepository, secretSet: Boolean(project.githubWebhookSecret), appId: project.githubAppId },
        after: {
          repository,
          secretSet: Boolean(secret),
          secretChanged: secret !== project.githubWebhookSecret,
          appId,
          privateKeyChanged: privateKey !== project.githubAppPrivateKey,
        },
      });
    });
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") {
      throw new AppError("conflict", `repository "${repository}" is already linked to another project`);
    }
    throw error;
  }
  return { project: project.slug, repository, secretSet: Boolean(secret), appId, privateKeySet: Boolean(privateKey) };
}
