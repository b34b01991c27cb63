// Who should do a manual item: a release manager assigns it to one member who may sign it (for
// every environment); the assignee sees it first in their queue. Assigning never changes the gate.
import { authorize } from "@/lib/auth/permissions";
import { toRoleName } from "@/lib/auth/roles";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { roleAtLeast } from "@/lib/gate";
import type { AssignItemInput } from "@/lib/validation/signoff";
import { recordAudit } from "./audit";
import type { ServerContext } from "./context";
import { findProject, findRelease, holdsNul } from "./lookup";
import { toGateItem } from "./snapshot";

async function findManualItem(releaseId: string, version: string, itemKey: string) {
  const row = holdsNul(itemKey) ? null : await db().releaseItem.findUnique({ where: { releaseId_key: { releaseId, key: itemKey } }, omit: { renderedInstructions: true } });
  if (!row) throw new AppError("not_found", `item "${itemKey}" not found in release ${version}`);
  const item = toGateItem(row);
  if (item.kind !== "manual") throw new AppError("validation_failed", `item "${itemKey}" is a ${item.kind} item; only manual items are assigned to a person`);
  return { row, item };
}

export type AssignmentView = { item: string; assignee: { userId: string; name: string } | null; assignedAt: string | null };

export async function assignItem(ctx: ServerContext, projectSlug: string, version: string, itemKey: string, input: AssignItemInput): Promise<AssignmentView> {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "item:assign");
  if (ctx.principal.kind !== "user") throw new AppError("forbidden", "only a person can assign an item");
  const by = ctx.principal.user;
  const release = await findRelease(project.id, version);
  const { row, item } = await findManualItem(release.id, version, itemKey);
  const membership = await db().membership.findUnique({
    where: { userId_projectId: { userId: input.userId, projectId: project.id } },
    include: { user: { select: { id: true, email: true, name: true, disabledAt: true } } },
  });
  if (!membership || membership.user.disabledAt) {
    throw new AppError("validation_failed", `the assignee must be a member of ${project.slug} who can sign "${item.title}"`, [{ path: "userId", message: "not a member of this project" }]);
  }
  const name = membership.user.name ?? membership.user.email;
  const role = toRoleName(membership.role);
  if (!roleAtLeast(role, item.role)) {
    throw new AppError("validation_failed", `${name} is ${role}, and "${item.title}" needs ${item.role}: assign it to someone who can sign it`, [
      { path: "userId", message: `needs ${item.role}; ${name} is ${role}` },
    ]);
  }
  return db().$transaction(async (tx) => {
    // The row lock: two assignments of one item queue, and the audit's "before" is what was replaced.
    const [current] = await tx.$queryRaw<{ assigneeId: string | null }[]>`SELECT "assigneeId" FROM "ReleaseItem" WHERE id = ${row.id}::uuid FOR UPDATE`;
    const updated = await tx.releaseItem.update({ where: { id: row.id }, data: { assigneeId: input.userId, assignedById: by.id, assignedAt: new Date() }, select: { assignedAt: true } });
    await recordAudit(tx, ctx, {
      projectId: project.id,
      releaseId: release.id,
      action: "item.assigned",
      targetType: "item",
      targetId: row.key,
      before: { assignee: current?.assigneeId ?? null },
      after: { assignee: input.userId, name },
    });
    return { item: row.key, assignee: { userId: input.userId, name }, assignedAt: updated.assignedAt!.toISOString() };
  });
}

export async function unassignItem(ctx: ServerContext, projectSlug: string, version: string, itemKey: string): Promise<AssignmentView> {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "item:assign");
  if (ctx.principal.kind !== "user") throw new AppError("forbidden", "only a person can unassign an item");
  const release = await findRelease(project.id, version);
  const { row } = await findManualItem(release.id, version, itemKey);
  return db().$transaction(async (tx) => {
    const [current] = await tx.$queryRaw<{ assigneeId: string | null }[]>`SELECT "assigneeId" FROM "ReleaseItem" WHERE id = ${row.id}::uuid FOR UPDATE`;
    if (!current?.assigneeId) return { item: row.key, assignee: null, assignedAt: null };
    await tx.releaseItem.update({ where: { id: row.id }, data: { assigneeId: null, assignedById: null, assignedAt: null } });
    const was = await tx.user.findUnique({ where: { id: current.assigneeId }, select: { email: true, name: true } });
    await recordAudit(tx, ctx, {
      projectId: project.id,
      releaseId: release.id,
      action: "item.unassigned",
      targetType: "item",
      targetId: row.key,
      before: { assignee: current.assigneeId, name: was ? (was.name ?? was.email) : null },
      after: { assignee: null },
    });
    return { item: row.key, assignee: null, assignedAt: null };
  });
}
