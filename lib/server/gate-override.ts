// An administrator opens a closed gate with a written reason, or lifts that override again.
// Overrides are never deleted: lifting records who and when, and both are audited.
import type { GateOverride } from "@/generated/prisma/client";
import { authorize } from "@/lib/auth/permissions";
import { principalLabel } from "@/lib/auth/principal";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { evaluateGate } from "@/lib/gate";
import type { GateOverrideInput } from "@/lib/validation/release";
import { recordAudit } from "./audit";
import type { ServerContext } from "./context";
import { assertEnvironment } from "./environments";
import { loadGateInput } from "./load-gate-input";
import { findProject, findRelease } from "./lookup";

export type GateOverrideView = {
  id: string;
  environment: string;
  reason: string;
  by: string;
  createdAt: string;
  liftedAt: string | null;
  liftedBy: string | null;
};

export const toOverrideView = (o: GateOverride): GateOverrideView => ({
  id: o.id,
  environment: o.environment,
  reason: o.reason,
  by: o.by,
  createdAt: o.createdAt.toISOString(),
  liftedAt: o.liftedAt?.toISOString() ?? null,
  liftedBy: o.liftedBy,
});

export async function overrideGate(ctx: ServerContext, projectSlug: string, version: string, input: GateOverrideInput) {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "project:admin");
  assertEnvironment(project, input.environment);
  const release = await findRelease(project.id, version);
  const environments = project.environments.map((e) => e.name);

  return db().$transaction(async (tx) => {
    // Decisions about this release's gates happen one at a time (deploys take the same lock).
    await tx.$queryRaw`SELECT id FROM "Release" WHERE id = ${release.id}::uuid FOR UPDATE`;
    // A deploy lock taken meanwhile waits for this decision, and this one sees a lock already taken.
    await tx.$queryRaw`SELECT id FROM "Project" WHERE id = ${project.id}::uuid FOR SHARE`;
    const active = await tx.gateOverride.findFirst({ where: { releaseId: release.id, environment: input.environment, liftedAt: null } });
    if (active) throw new AppError("conflict", `the ${input.environment} gate of ${version} is already overridden by ${active.by}: ${active.reason}`);
    const { input: gateInput } = await loadGateInput(release, environments, tx);
    const gate = evaluateGate(gateInput, input.environment);
    if (gate.blocking.length === 0) throw new AppError("conflict", `the ${input.environment} gate of ${version} is open: there is nothing to override`);
    if (gateInput.lock) {
      throw new AppError("conflict", `project "${project.slug}" is locked (${gateInput.lock.reason}): an override cannot open a locked project's gates; unlock it first`);
    }
    const override = await tx.gateOverride.create({
      data: { releaseId: release.id, environment: input.environment, reason: input.reason, by: principalLabel(ctx.principal) },
    });
    await recordAudit(tx, ctx, {
      projectId: project.id,
      releaseId: release.id,
      action: "gate.overridden",
      targetType: "gate",
      targetId: input.environment,
      before: { open: false, blocking: gate.blocking.map((b) => ({ item: b.item, reason: b.reason, detail: b.detail })) },
      after: { open: true, overridden: true, override: override.id, environment: input.environment, reason: input.reason, commit: release.commitSha },
    });
    return { ...toOverrideView(override), release: version, blocking: gate.blocking };
  });
}

export async function liftOverride(ctx: ServerContext, projectSlug: string, version: string, overrideId: string) {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "project:admin");
  const release = await findRelease(project.id, version);
  if (!/^[0-9a-f-]{36}$/i.test(overrideId)) throw new AppError("not_found", "override not found");

  return db().$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "Release" WHERE id = ${release.id}::uuid FOR UPDATE`;
    const override = await tx.gateOverride.findFirst({ where: { id: overrideId, releaseId: release.id } });
    if (!override) throw new AppError("not_found", "override not found");
    if (override.liftedAt) throw new AppError("conflict", `this override was already lifted by ${override.liftedBy}`);
    const lifted = await tx.gateOverride.update({ where: { id: override.id }, data: { liftedAt: new Date(), liftedBy: principalLabel(ctx.principal) } });
    await recordAudit(tx, ctx, {
      projectId: project.id,
      releaseId: release.id,
      action: "gate.override_lifted",
      targetType: "gate",
      targetId: override.environment,
      before: { override: override.id, liftedAt: null, reason: override.reason, by: override.by },
      after: { override: override.id, liftedAt: lifted.liftedAt!.toISOString(), liftedBy: lifted.liftedBy },
    });
    return { ...toOverrideView(lifted), release: version };
  });
}
