// A person who may sign a manual item rejects it instead: "not good enough", with a reason, for one
// environment and the release's current commit. The gate stays closed until a later sign-off
// (docs/templates.md, "A rejection"). Rejecting revokes the rejecter's own sign-off there, if any.
import { authorize } from "@/lib/auth/permissions";
import { toDbRole } from "@/lib/auth/roles";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { RejectItemInput } from "@/lib/validation/signoff";
import { recordAudit } from "./audit";
import type { ServerContext } from "./context";
import { findProject, findRelease } from "./lookup";
import { findManualItemFor, standingRejections } from "./manual-item";
import { STALE_ITEM_MESSAGE } from "./sign-off-item";

export async function rejectItem(ctx: ServerContext, projectSlug: string, version: string, itemKey: string, input: RejectItemInput) {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "signoff:write");
  const release = await findRelease(project.id, version);
  // The same people who may sign it: a person, role at least the item's, on the environment it is signed on.
  const { row, item, user, role } = await findManualItemFor(ctx.principal, project, release, itemKey, input.environment);

  return db().$transaction(async (tx) => {
    // The item's row lock, as for a sign-off: rejections and sign-offs of one item queue here.
    const bumped = await tx.$queryRaw<{ version: number }[]>`
      UPDATE "ReleaseItem" SET version = version + 1 WHERE id = ${row.id}::uuid RETURNING version`;
    const seen = bumped[0]!.version - 1;
    if (input.expectedVersion !== undefined && input.expectedVersion !== seen) {
      throw new AppError("conflict", STALE_ITEM_MESSAGE, [{ path: "expectedVersion", message: `the item is at version ${seen}, not ${input.expectedVersion}` }]);
    }
    const standing = await standingRejections(tx, row.id, input.environment, release.commitSha, item.role);
    if (standing.some((r) => r.userId === user.user.id)) {
      throw new AppError("conflict", `you already rejected "${item.title}" for ${input.environment}, and nobody has signed it off since`);
    }
    // One person's word is yes or no: a rejection takes back their own sign-off for this commit.
    const own = await tx.signOff.findFirst({ where: { itemId: row.id, environment: input.environment, commitSha: release.commitSha, userId: user.user.id, revokedAt: null } });
    const now = new Date();
    if (own) {
      const revokeReason = `rejected: ${input.reason}`;
      await tx.signOff.update({ where: { id: own.id }, data: { revokedAt: now, revokedById: user.user.id, revokeReason } });
      // Its own event, as any revocation: the evidence pack checks each revoked sign-off against one.
      await recordAudit(tx, ctx, {
        projectId: project.id,
        releaseId: release.id,
        action: "signoff.revoked",
        targetType: "item",
        targetId: row.key,
        before: { signOff: own.id, revokedAt: null },
        after: { signOff: own.id, revokedAt: now.toISOString(), reason: revokeReason },
      });
    }
    const rejection = await tx.rejection.create({
      data: {
        releaseId: release.id,
        itemId: row.id,
        userId: user.user.id,
        role: toDbRole(role),
        environment: input.environment,
        commitSha: release.commitSha,
        reason: input.reason,
        revokedSignOffId: own?.id ?? null,
        // createdAt from the database's clock, as a sign-off's: "later" compares like with like.
      },
    });
    await recordAudit(tx, ctx, {
      projectId: project.id,
      releaseId: release.id,
      action: "item.rejected",
      targetType: "item",
      targetId: row.key,
      after: {
        rejection: rejection.id,
        environment: input.environment,
        commit: release.commitSha,
        role,
        reason: input.reason,
        revokedSignOff: own?.id ?? null,
        itemVersion: seen + 1,
      },
    });
    return {
      id: rejection.id,
      item: row.key,
      environment: input.environment,
      commit: release.commitSha,
      role,
      reason: input.reason,
      createdAt: rejection.createdAt.toISOString(),
      revokedSignOff: own?.id ?? null,
      itemVersion: seen + 1,
    };
  });
}
