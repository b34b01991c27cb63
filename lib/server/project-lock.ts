// A project deploy lock (an incident, a freeze): every gate of every release of the project is
// closed with reason "locked" until a release manager lifts it. Overrides don't open a locked gate.
import { authorize } from "@/lib/auth/permissions";
import { principalLabel } from "@/lib/auth/principal";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { ProjectLockInput } from "@/lib/validation/release";
import { recordAudit } from "./audit";
import type { ServerContext } from "./context";
import { findProject } from "./lookup";

export type ProjectLockView = { reason: string; by: string | null; at: string | null };

export type ProjectLockState = { project: string; locked: boolean; lock: ProjectLockView | null };

export function lockView(project: { lockedReason: string | null; lockedBy: string | null; lockedAt: Date | null }): ProjectLockView | null {
  return project.lockedReason === null ? null : { reason: project.lockedReason, by: project.lockedBy, at: project.lockedAt?.toISOString() ?? null };
}

export async function lockProject(ctx: ServerContext, projectSlug: string, input: ProjectLockInput): Promise<ProjectLockState> {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "release:write");
  return db().$transaction(async (tx) => {
    // NO KEY UPDATE: deploys and overrides (FOR SHARE) wait, foreign-key checks of other writes don't.
    const [row] = await tx.$queryRaw<{ lockedReason: string | null; lockedBy: string | null }[]>`
      SELECT "lockedReason", "lockedBy" FROM "Project" WHERE id = ${project.id}::uuid FOR NO KEY UPDATE`;
    if (row?.lockedReason != null) throw new AppError("conflict", `project "${project.slug}" is already locked by ${row.lockedBy ?? "someone"}: ${row.lockedReason}`);
    const locked = await tx.project.update({
      where: { id: project.id },
      data: { lockedReason: input.reason, lockedBy: principalLabel(ctx.principal), lockedAt: new Date() },
    });
    await recordAudit(tx, ctx, {
      projectId: project.id,
      action: "project.locked",
      targetType: "project",
      targetId: project.id,
      before: { locked: false },
      after: { locked: true, reason: input.reason, by: locked.lockedBy },
    });
    return { project: project.slug, locked: true, lock: lockView(locked) };
  });
}

export async function unlockProject(ctx: ServerContext, projectSlug: string): Promise<ProjectLockState> {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "release:write");
  return db().$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<{ lockedReason: string | null; lockedBy: string | null; lockedAt: Date | null }[]>`
      SELECT "lockedReason", "lockedBy", "lockedAt" FROM "Project" WHERE id = ${project.id}::uuid FOR NO KEY UPDATE`;
    if (row?.lockedReason == null) throw new AppError("conflict", `project "${project.slug}" is not locked`);
    await tx.project.update({ where: { id: project.id }, data: { lockedReason: null, lockedBy: null, lockedAt: null } });
    await recordAudit(tx, ctx, {
      projectId: project.id,
      action: "project.unlocked",
      targetType: "project",
      targetId: project.id,
      before: { locked: true, reason: row.lockedReason, by: row.lockedBy, at: row.lockedAt?.toISOString() ?? null },
      after: { locked: false },
    });
    return { project: project.slug, locked: false, lock: null };
  });
}

/** Read-only: for the project page and the API. */
export async function getProjectLock(ctx: ServerContext, projectSlug: string): Promise<ProjectLockState> {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "release:read");
  return { project: project.slug, locked: project.lockedReason !== null, lock: lockView(project) };
}
