// A deployable product with its environments in deploy order.
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { createProjectSchema, type CreateProjectInput } from "@/lib/validation/admin";
import { recordAudit } from "./audit";
import type { ServerContext } from "./context";

export async function createProject(ctx: ServerContext, raw: CreateProjectInput) {
  const input = createProjectSchema.parse(raw);
  if (ctx.principal.kind !== "system" && !(ctx.principal.kind === "user" && ctx.principal.user.isAdmin)) {
    throw new AppError("forbidden", "only an instance administrator can create projects");
  }
  return db().$transaction(async (tx) => {
    if (await tx.project.findUnique({ where: { slug: input.slug } })) {
      throw new AppError("conflict", `project "${input.slug}" already exists`);
    }
    const project = await tx.project.create({
      data: {
        slug: input.slug,
        name: input.name,
        environments: { create: input.environments.map((name, position) => ({ name, position })) },
      },
    });
    await recordAudit(tx, ctx, {
      projectId: project.id,
      action: "project.created",
      targetType: "project",
      targetId: project.id,
      after: { slug: input.slug, name: input.name, environments: input.environments },
    });
    return project;
  });
}

