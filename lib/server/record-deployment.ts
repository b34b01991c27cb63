// A release deployed to an environment: refused unless that environment's gate is open (or overridden).
import { authorize } from "@/lib/auth/permissions";
import { principalLabel } from "@/lib/auth/principal";
import { db, type Tx } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { evaluateGate } from "@/lib/gate";
import { recordAudit } from "./audit";
import type { ServerContext } from "./context";
import { assertEnvironment } from "./environments";
import { loadGateInput } from "./load-gate-input";
import { findProject, findRelease } from "./lookup";
import { readBeforeGate } from "./read-prometheus";

/**
 * `claim`: runs first in the deploy's transaction (a webhook delivery claims its id there, so a
 * redelivery records nothing twice).
 */
export async function recordDeployment(ctx: ServerContext, projectSlug: string, version: string, environment: string, claim?: (tx: Tx) => Promise<void>) {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "release:write");
  assertEnvironment(project, environment);
  const release = await findRelease(project.id, version);
  const environments = project.environments.map((e) => e.name);
  // The decision is taken on fresh readings of query items, as a gate read would be.
  await readBeforeGate(release, project, environments, ctx);

  return db().$transaction(async (tx) => {
    if (claim) await claim(tx);
    // One deploy decision at a time per release: the gate is read and acted on atomically.
    await tx.$queryRaw`SELECT id FROM "Release" WHERE id = ${release.id}::uuid FOR UPDATE`;
    // A deploy lock taken meanwhile waits for this decision, and this one sees a lock already taken.
    await tx.$queryRaw`SELECT id FROM "Project" WHERE id = ${project.id}::uuid FOR SHARE`;
    const { input } = await loadGateInput(release, environments, tx);
    const gate = evaluateGate(input, environment);
    if (!gate.open) {
      throw new AppError(
        "conflict",
        `the ${environment} gate of ${version} is closed (${gate.blocking.length} blocking): ${gate.blocking.map((b) => `${b.title}: ${b.detail}`).join("; ")}`,
        gate.blocking.map((b) => ({ path: b.item, message: `${b.reason}: ${b.detail}` })),
      );
    }
    const deployment = await tx.deployment.create({
      data: { releaseId: release.id, projectId: project.id, environment, commitSha: release.commitSha, overridden: gate.overridden, deployedBy: principalLabel(ctx.principal) },
    });
    await tx.release.update({ where: { id: release.id }, data: { status: "deployed" } });
    await recordAudit(tx, ctx, {
      projectId: project.id,
      releaseId: release.id,
      action: "deployment.recorded",
      targetType: "release",
      targetId: release.id,
      before: { status: release.status },
      after: { environment, commit: release.commitSha, overridden: gate.overridden, deployment: deployment.id },
    });
    return { id: deployment.id, release: version, environment, commit: release.commitSha, overridden: gate.overridden, deployedAt: deployment.deployedAt.toISOString(), deployedBy: deployment.deployedBy };
  });
}
