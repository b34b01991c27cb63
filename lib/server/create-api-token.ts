// Issues an API token for one project. The secret is returned once; only its hash is stored.
import { authorize } from "@/lib/auth/permissions";
import { generateToken } from "@/lib/auth/tokens";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { createTokenSchema, type CreateTokenInput } from "@/lib/validation/admin";
import { recordAudit } from "./audit";
import type { ServerContext } from "./context";
import { findProject } from "./lookup";

export async function createApiToken(ctx: ServerContext, raw: CreateTokenInput) {
  const input = createTokenSchema.parse(raw);
  const project = await findProject(input.project);
  authorize(ctx.principal, project, "project:admin");
  const { token, prefix, hash } = generateToken();
  const expiresAt = input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null;
  const row = await db().$transaction(async (tx) => {
    if (await tx.apiToken.findUnique({ where: { projectId_name: { projectId: project.id, name: input.name } } })) {
      throw new AppError("conflict", `project "${project.slug}" already has a token named "${input.name}"`);
    }
    const created = await tx.apiToken.create({
      data: {
        projectId: project.id,
        name: input.name,
        prefix,
        hash,
        permissions: input.permissions,
        expiresAt,
        createdById: ctx.principal.kind === "user" ? ctx.principal.user.id : null,
      },
    });
    await recordAudit(tx, ctx, {
      projectId: project.id,
      action: "token.created",
      targetType: "token",
      targetId: created.id,
      after: { name: created.name, prefix, permissions: created.permissions, expiresAt: expiresAt?.toISOString() ?? null },
    });
    return created;
  });
  return { token, id: row.id, name: row.name, prefix, permissions: row.permissions, expiresAt };
}
