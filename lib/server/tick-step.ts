// Ticking (or unticking) one sub-step of a manual item, for one environment and the current commit.
import { authorize } from "@/lib/auth/permissions";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { TickStepInput } from "@/lib/validation/signoff";
import { recordAudit } from "./audit";
import type { ServerContext } from "./context";
import { findProject, findRelease } from "./lookup";
import { findManualItemFor } from "./manual-item";

export async function tickStep(ctx: ServerContext, projectSlug: string, version: string, itemKey: string, input: TickStepInput) {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "signoff:write");
  const release = await findRelease(project.id, version);
  const { row, item, user } = await findManualItemFor(ctx.principal, project, release, itemKey, input.environment);
  const step = item.steps[input.step];
  if (step === undefined) throw new AppError("not_found", `"${item.title}" has no step ${input.step + 1}`);

  return db().$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "ReleaseItem" WHERE id = ${row.id}::uuid FOR UPDATE`;
    const signed = await tx.signOff.count({ where: { itemId: row.id, environment: input.environment, commitSha: release.commitSha, revokedAt: null } });
    if (signed > 0) throw new AppError("conflict", `"${item.title}" is already signed off for ${input.environment}; revoke the sign-off to change its steps`);
    const where = { itemId: row.id, environment: input.environment, commitSha: release.commitSha, step: input.step };
    const existing = await tx.stepTick.findFirst({ where });
    if (input.done && !existing) {
      await tx.stepTick.create({ data: { ...where, releaseId: release.id, userId: user.user.id } });
    } else if (!input.done && existing) {
      await tx.stepTick.delete({ where: { id: existing.id } });
    } else {
      return { step: input.step, done: input.done, changed: false };
    }
    await recordAudit(tx, ctx, {
      projectId: project.id,
      releaseId: release.id,
      action: input.done ? "step.ticked" : "step.unticked",
      targetType: "item",
      targetId: row.key,
      after: { step: input.step, text: step, environment: input.environment, commit: release.commitSha },
    });
    return { step: input.step, done: input.done, changed: true };
  });
}
