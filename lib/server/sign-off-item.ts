// A person signs off a manual item for one environment, bound to the release's current commit.
import { authorize, roleIn } from "@/lib/auth/permissions";
import { toDbRole } from "@/lib/auth/roles";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { roleAtLeast } from "@/lib/gate";
import type { SignOffInput } from "@/lib/validation/signoff";
import { recordAudit } from "./audit";
import type { ServerContext } from "./context";
import { assertEnvironment } from "./environments";
import { findProject, findRelease } from "./lookup";
import { toGateItem } from "./snapshot";

export async function signOffItem(ctx: ServerContext, projectSlug: string, version: string, itemKey: string, input: SignOffInput) {
  const { principal } = ctx;
  const project = await findProject(projectSlug);
  authorize(principal, project, "signoff:write");
  if (principal.kind !== "user") throw new AppError("forbidden", "only a person can sign off");
  const release = await findRelease(project.id, version);
  assertEnvironment(project, input.environment);
  const row = itemKey.includes("\u0000") ? null : await db().releaseItem.findUnique({ where: { releaseId_key: { releaseId: release.id, key: itemKey } } });
  if (!row) throw new AppError("not_found", `item "${itemKey}" not found in release ${version}`);
  const item = toGateItem(row);
  if (item.kind !== "manual") throw new AppError("validation_failed", `item "${itemKey}" is a ${item.kind} item; only manual items are signed off`);
  if (item.environments.length > 0 && !item.environments.includes(input.environment)) {
    throw new AppError("validation_failed", `item "${itemKey}" does not apply to ${input.environment}`);
  }
  const role = roleIn(principal, project.id)!;
  if (!roleAtLeast(role, item.role)) {
    throw new AppError("forbidden", `"${item.title}" needs a sign-off from ${item.role}; you are ${role}`);
  }
  if (item.noSelfApproval && release.createdById === principal.user.id) {
    throw new AppError("forbidden", "you created this release, and this item must be approved by someone else");
  }
  if (item.evidence === "required" && !input.comment) {
    throw new AppError("validation_failed", "this item needs evidence: describe or link it in the comment");
  }

  return db().$transaction(async (tx) => {
    // Serialises sign-offs of one item, so two clicks can never make two sign-offs.
    await tx.$queryRaw`SELECT id FROM "ReleaseItem" WHERE id = ${row.id}::uuid FOR UPDATE`;
    const existing = await tx.signOff.findFirst({
      where: { itemId: row.id, userId: principal.user.id, environment: input.environment, commitSha: release.commitSha, revokedAt: null },
    });
    if (existing) throw new AppError("conflict", `you already signed off "${item.title}" for ${input.environment}`);
    const signOff = await tx.signOff.create({
      data: {
        releaseId: release.id,
        itemId: row.id,
        userId: principal.user.id,
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
