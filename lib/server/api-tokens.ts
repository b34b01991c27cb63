// Listing and revoking a project's API tokens (creation is create-api-token.ts). Secrets are never read back.
import { authorize } from "@/lib/auth/permissions";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { recordAudit } from "./audit";
import type { ServerContext } from "./context";
import { findProject } from "./lookup";

export type ApiTokenView = {
  id: string;
  name: string;
  prefix: string;
  permissions: string[];
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
};

export async function listApiTokens(ctx: ServerContext, projectSlug: string): Promise<ApiTokenView[]> {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "project:admin");
  const tokens = await db().apiToken.findMany({ where: { projectId: project.id }, orderBy: { createdAt: "desc" } });
  return tokens.map((t) => ({
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    permissions: t.permissions,
    createdAt: t.createdAt.toISOString(),
    expiresAt: t.expiresAt?.toISOString() ?? null,
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    revokedAt: t.revokedAt?.toISOString() ?? null,
  }));
}

export async function revokeApiToken(ctx: ServerContext, projectSlug: string, tokenId: string) {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "project:admin");
  if (!/^[0-9a-f-]{36}$/i.test(tokenId)) throw new AppError("not_found", "token not found");
  return db().$transaction(async (tx) => {
    const token = await tx.apiToken.findFirst({ where: { id: tokenId, projectId: project.id } });
    if (!token) throw new AppError("not_found", "token not found");
    if (token.revokedAt) throw new AppError("conflict", `token "${token.name}" is already revoked`);
    const revoked = await tx.apiToken.update({ where: { id: token.id }, data: { revokedAt: new Date() } });
    await recordAudit(tx, ctx, {
      projectId: project.id,
      action: "token.revoked",
      targetType: "token",
      targetId: token.id,
      before: { revokedAt: null },
      after: { name: token.name, prefix: token.prefix, revokedAt: revoked.revokedAt!.toISOString() },
    });
    return { id: token.id, revokedAt: revoked.revokedAt!.toISOString() };
  });
}
