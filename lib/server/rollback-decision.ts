// What a release manager decided about a deployed release: roll back (to which release) or keep it.
// A decision covers the deploy it was made after; a later deploy to the environment starts afresh.
import type { Deployment, RollbackDecision } from "@/generated/prisma/client";
import { authorize } from "@/lib/auth/permissions";
import { principalLabel } from "@/lib/auth/principal";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { RollbackDecisionInput } from "@/lib/validation/release";
import { recordAudit } from "./audit";
import type { ServerContext } from "./context";
import { assertEnvironment } from "./environments";
import { findProject, findRelease } from "./lookup";

export type RollbackDecisionView = {
  id: string;
  environment: string;
  decision: "rolled_back" | "keep";
  toVersion: string | null;
  reason: string;
  by: string;
  createdAt: string;
};

export const toDecisionView = (d: RollbackDecision): RollbackDecisionView => ({
  id: d.id,
  environment: d.environment,
  decision: d.decision === "rolled_back" ? "rolled_back" : "keep",
  toVersion: d.toVersion,
  reason: d.reason,
  by: d.by,
  createdAt: d.createdAt.toISOString(),
});

/**
 * Per environment, the decision that settles the release's latest deploy there: the newest one
 * made after that deploy. Environments without one are absent.
 */
export function settledBy(decisions: RollbackDecision[], deployments: Pick<Deployment, "environment" | "deployedAt">[]): Map<string, RollbackDecision> {
  const latestDeploy = new Map<string, Date>();
  for (const d of deployments) {
    const seen = latestDeploy.get(d.environment);
    if (!seen || d.deployedAt > seen) latestDeploy.set(d.environment, d.deployedAt);
  }
  const settled = new Map<string, RollbackDecision>();
  for (const decision of decisions) {
    const deployedAt = latestDeploy.get(decision.environment);
    if (!deployedAt || decision.createdAt < deployedAt) continue;
    const current = settled.get(decision.environment);
    if (!current || decision.createdAt >= current.createdAt) settled.set(decision.environment, decision);
  }
  return settled;
}

export async function recordRollbackDecision(ctx: ServerContext, projectSlug: string, version: string, input: RollbackDecisionInput) {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "release:write");
  assertEnvironment(project, input.environment);
  const release = await findRelease(project.id, version);
  const target =
    input.decision === "rolled_back" && input.toVersion
      ? await db().release.findUnique({ where: { projectId_version: { projectId: project.id, version: input.toVersion } } })
      : null;
  if (input.decision === "rolled_back") {
    if (input.toVersion === release.version) {
      throw new AppError("validation_failed", "a release cannot be rolled back to itself", [{ path: "toVersion", message: "name an earlier release" }]);
    }
    if (!target) {
      throw new AppError("validation_failed", `there is no release ${input.toVersion} in project "${project.slug}"`, [
        { path: "toVersion", message: "must be an existing release of this project" },
      ]);
    }
  }

  return db().$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "Release" WHERE id = ${release.id}::uuid FOR UPDATE`;
    const deployed = await tx.deployment.findFirst({ where: { releaseId: release.id, environment: input.environment }, orderBy: { deployedAt: "desc" } });
    if (!deployed) throw new AppError("conflict", `${release.version} was never deployed to ${input.environment}: there is nothing to roll back or keep`);
    const by = principalLabel(ctx.principal);
    const decision = await tx.rollbackDecision.create({
      data: { releaseId: release.id, environment: input.environment, decision: input.decision, toVersion: target?.version ?? null, reason: input.reason, by },
    });
    let statusAfter = release.status;
    if (input.decision === "rolled_back" && target) {
      statusAfter = "rolled_back";
      await tx.release.update({ where: { id: release.id }, data: { status: "rolled_back" } });
      // The release rolled back to is what runs there now: alerts and "currently deployed" follow it.
      await tx.deployment.create({
        data: { releaseId: target.id, projectId: project.id, environment: input.environment, commitSha: target.commitSha, overridden: false, deployedBy: by },
      });
    }
    await recordAudit(tx, ctx, {
      projectId: project.id,
      releaseId: release.id,
      action: input.decision === "rolled_back" ? "rollback.rolled_back" : "rollback.kept",
      targetType: "release",
      targetId: release.id,
      before: { status: release.status },
      after: { decision: decision.id, environment: input.environment, toVersion: target?.version ?? null, reason: input.reason, status: statusAfter, deployment: deployed.id },
    });
    return { ...toDecisionView(decision), release: release.version, status: statusAfter };
  });
}
