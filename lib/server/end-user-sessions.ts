// "Sign out everywhere": every session of a user ends at once (their session version goes up,
// lib/auth/end-sessions.ts). A person may do it for themselves; a project admin for a member of
// their project, except for an instance administrator, whom only another instance administrator
// may sign out. Audited in the same transaction.
import { endSessions } from "@/lib/auth/end-sessions";
import { authorize } from "@/lib/auth/permissions";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { recordAudit } from "./audit";
import { requirePerson } from "./change-password";
import type { ServerContext } from "./context";
import { findProject } from "./lookup";

export async function endOwnSessions(ctx: ServerContext): Promise<{ userId: string; sessionsEnded: true }> {
  const person = requirePerson(ctx, "signing out everywhere");
  await db().$transaction(async (tx) => {
    await endSessions(person.user.id, undefined, tx);
    await recordAudit(tx, ctx, { projectId: null, action: "auth.sessions.ended", targetType: "user", targetId: person.user.id, after: { email: person.user.email, by: "self" } });
  });
  return { userId: person.user.id, sessionsEnded: true };
}

const isInstanceAdmin = (ctx: ServerContext) => ctx.principal.kind === "system" || (ctx.principal.kind === "user" && ctx.principal.user.isAdmin);

export async function endMemberSessions(ctx: ServerContext, projectSlug: string, userId: string): Promise<{ userId: string; sessionsEnded: true }> {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "project:admin");
  const membership = /^[0-9a-f-]{36}$/i.test(userId) ? await db().membership.findUnique({ where: { userId_projectId: { userId, projectId: project.id } }, include: { user: true } }) : null;
  if (!membership) throw new AppError("not_found", "member not found");
  if (membership.user.isAdmin && !isInstanceAdmin(ctx)) {
    throw new AppError("forbidden", `${membership.user.email} is an instance administrator: only another instance administrator can sign them out everywhere`);
  }
  await db().$transaction(async (tx) => {
    await endSessions(userId, undefined, tx);
    await recordAudit(tx, ctx, { projectId: project.id, action: "member.sessions_ended", targetType: "user", targetId: userId, after: { email: membership.user.email } });
  });
  return { userId, sessionsEnded: true };
}
