// A release: a version and commit, with its own snapshot of a template version's items.
import type { Prisma } from "@/generated/prisma/client";
import { authorize } from "@/lib/auth/permissions";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { guardCheckItem, guardedHits, guardInstructionsRendering } from "@/lib/templates/guarded";
import { instructionsPath } from "@/lib/templates/markdown-jobs";
import { templateSchema } from "@/lib/templates/schema";
import { createReleaseSchema, type CreateReleaseInput } from "@/lib/validation/admin";
import { recordAudit } from "./audit";
import type { ServerContext } from "./context";
import { releaseHealth } from "./gate-state";
import { findProject } from "./lookup";
import { templateVersionRenderings } from "./rendered-instructions";
import { snapshotItems } from "./snapshot";

export async function createRelease(ctx: ServerContext, projectSlug: string, raw: CreateReleaseInput) {
  const input = createReleaseSchema.parse(raw);
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "release:write");
  const template = await db().template.findUnique({ where: { projectId_name: { projectId: project.id, name: input.template } } });
  if (!template) throw new AppError("not_found", `template "${input.template}" not found`);
  const templateVersion = await db().templateVersion.findFirst({
    where: { templateId: template.id, ...(input.templateVersion ? { version: input.templateVersion } : {}) },
    orderBy: { version: "desc" },
  });
  if (!templateVersion) throw new AppError("not_found", `template "${input.template}" has no version ${input.templateVersion ?? ""}`.trim());
  const definition = templateSchema.parse(templateVersion.definition);
  const items = snapshotItems(definition, await templateVersionRenderings(templateVersion));
  const hits = guardedHits(definition.guardedPaths, input.changedFiles);
  if (hits.length > 0) {
    const taken = new Set(items.map((i) => i.key));
    const guardSection = { title: "Guarded paths changed", phase: "pre-deploy" as const, items: hits.map((hit) => guardCheckItem(hit, taken)) };
    const renderings = Object.fromEntries(hits.map((hit, i) => [instructionsPath(0, i), guardInstructionsRendering(hit)]));
    const extra = snapshotItems({ ...definition, sections: [guardSection] }, renderings);
    items.push(...extra.map((item, i) => ({ ...item, position: items.length + i })));
  }

  let created;
  try {
    created = await db().$transaction(async (tx) => {
      const release = await tx.release.create({
        data: {
          projectId: project.id,
          version: input.version,
          commitSha: input.commit,
          templateVersionId: templateVersion.id,
          changedFiles: input.changedFiles.map((f) => f.path),
          createdById: ctx.principal.kind === "user" ? ctx.principal.user.id : null,
        },
      });
      await tx.releaseItem.createMany({
        data: items.map((item) => ({ ...item, releaseId: release.id, config: item.config as Prisma.InputJsonValue })),
      });
      await recordAudit(tx, ctx, {
        projectId: project.id,
        releaseId: release.id,
        action: "release.created",
        targetType: "release",
        targetId: release.id,
        after: {
          version: release.version,
          commit: release.commitSha,
          template: template.name,
          templateVersion: templateVersion.version,
          changedFiles: input.changedFiles.length,
          guardedPathsHit: hits.map((h) => h.guard.path),
        },
      });
      return release;
    });
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") {
      throw new AppError("conflict", `release ${input.version} already exists in project "${project.slug}"`);
    }
    throw error;
  }
  // Its first gates, stored now, so lists and the overview never meet a release never evaluated.
  // Only a head start: a reader evaluates whatever is missing or out of date.
  await releaseHealth(created, project.environments.map((e) => e.name)).catch(() => undefined);
  return created;
}
