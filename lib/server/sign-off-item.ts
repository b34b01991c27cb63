// A person signs off a manual item for one environment, bound to the release's current commit.
import { authorize } from "@/lib/auth/permissions";
import { toDbRole } from "@/lib/auth/roles";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { SignOffInput } from "@/lib/validation/signoff";
import { recordAudit } from "./audit";
import type { ServerContext } from "./context";
import { findProject, findRelease } from "./lookup";
import { findManualItemFor } from "./manual-item";

export async function signOffItem(ctx: ServerContext, projectSlug: string, version: string, itemKey: string, input: SignOffInput) {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "signoff:write");
  const release = await findRelease(project.id, version);
  const { row, item, user, role } = await findManualItemFor(ctx.principal, project, release, itemKey, input.environment);
  if (item.noSelfApproval && release.createdById === user.user.id) {
    throw new AppError("forbidden", "you created this release, and this item must be approved by someone else");
  }
  if (item.evidence === "required" && !input.comment) {
    throw new AppError("validation_failed", "this item needs evidence: describe or link it in the comment");
  }

  return db().$transaction(async (tx) => {
    // Serialises sign-offs of one item, so two clicks can never make two sign-offs.
    await tx.$queryRaw`SELECT id FROM "ReleaseItem" WHERE id = ${row.id}::uuid FOR UPDATE`;
    if (item.steps.length > 0) {
      const ticked = await tx.stepTick.count({ where: { itemId: row.id, environment: input.environment, commitSha: release.commitSha } });
      if (ticked < item.steps.length) {
        throw new AppError("validation_failed", `tick every step first: ${ticked} of ${item.steps.length} ticked for ${input.environment}`);
      }
    }
    const existing = await tx.signOff.findFirst({
      where: { itemId: row.id, userId: user.user.id, environment: input.environment, commitSha: release.commitSha, revokedAt: null },
    });
    if (existing) throw new AppError("conflict", `you already signed off "${item.title}" for ${input.environment}`);
    const signOff = await tx.signOff.create({
      data: {
        releaseId: release.id,
        itemId: row.id,
        userId: user.user.id,
        role: toDbRole(role),
        environment: input.environment,
        commitSha: release.commitSha,
        comment: input.comment ?? null,
      },
    });
    await recordAudit(tx, ctx, {
      projectId: project.id,
      releaseId: release.id,
      action: "signoff.created",
      targetType: "item",
      targetId: row.key,
      after: { signOff: signOff.id, environment: input.environment, commit: release.commitSha, role, comment: input.comment ?? null },
    });
    return { id: signOff.id, item: row.key, environment: input.environment, commit: release.commitSha, role, createdAt: signOff.createdAt.toISOString() };
  });
}
