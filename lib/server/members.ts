// A project's members and their roles. Project admins manage them; a project never loses its last admin.
import { authorize } from "@/lib/auth/permissions";
import type { UserPrincipal } from "@/lib/auth/principal";
import { generatePassword, hashPassword } from "@/lib/auth/password";
import { toDbRole, toRoleName } from "@/lib/auth/roles";
import { db, type Tx } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { RoleName } from "@/lib/templates/schema";
import type { AddMemberInput } from "@/lib/validation/members";
import { recordAudit } from "./audit";
import type { ServerContext } from "./context";
import { findProject } from "./lookup";

export type MemberView = { userId: string; email: string; name: string | null; role: RoleName; since: string };

export async function listMembers(ctx: ServerContext, projectSlug: string): Promise<MemberView[]> {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "project:admin");
  const memberships = await db().membership.findMany({ where: { projectId: project.id }, include: { user: true }, orderBy: { createdAt: "asc" } });
  return memberships.map((m) => ({ userId: m.userId, email: m.user.email, name: m.user.name, role: toRoleName(m.role), since: m.createdAt.toISOString() }));
}

const isInstanceAdmin = (ctx: ServerContext) => ctx.principal.kind === "system" || (ctx.principal.kind === "user" && (ctx.principal as UserPrincipal).user.isAdmin);

/**
 * Adds a person by email. Someone without an account gets one only when an instance
 * administrator asks (its generated password is returned once); project admins add existing people.
 */
export async function addMember(ctx: ServerContext, projectSlug: string, input: AddMemberInput) {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "project:admin");
  const password = generatePassword();
  const passwordHash = isInstanceAdmin(ctx) ? await hashPassword(password) : null;
  return db().$transaction(async (tx) => {
    let user = await tx.user.findUnique({ where: { email: input.email } });
    let created = false;
    if (!user) {
      if (!passwordHash) throw new AppError("not_found", `no account for ${input.email}; an instance administrator can create it`);
      user = await tx.user.create({ data: { email: input.email, passwordHash } });
      created = true;
    }
    if (await tx.membership.findUnique({ where: { userId_projectId: { userId: user.id, projectId: project.id } } })) {
      throw new AppError("conflict", `${input.email} is already a member of ${project.slug}`);
    }
    await tx.membership.create({ data: { userId: user.id, projectId: project.id, role: toDbRole(input.role) } });
    await recordAudit(tx, ctx, { projectId: project.id, action: "member.added", targetType: "user", targetId: user.id, after: { email: user.email, role: input.role, accountCreated: created } });
    return { userId: user.id, email: user.email, role: input.role, password: created ? password : null };
  });
}

async function assertAnotherAdmin(tx: Tx, projectId: string, userId: string) {
  const admins = await tx.membership.count({ where: { projectId, role: "admin", userId: { not: userId } } });
  if (admins === 0) throw new AppError("conflict", "a project needs at least one admin: make someone else admin first");
}

export async function setMemberRole(ctx: ServerContext, projectSlug: string, userId: string, role: RoleName) {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "project:admin");
  return db().$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "Project" WHERE id = ${project.id}::uuid FOR UPDATE`;
    const membership = /^[0-9a-f-]{36}$/i.test(userId) ? await tx.membership.findUnique({ where: { userId_projectId: { userId, projectId: project.id } }, include: { user: true } }) : null;
    if (!membership) throw new AppError("not_found", "member not found");
    const before = toRoleName(membership.role);
    if (before === "admin" && role !== "admin") await assertAnotherAdmin(tx, project.id, userId);
    await tx.membership.update({ where: { id: membership.id }, data: { role: toDbRole(role) } });
    await recordAudit(tx, ctx, { projectId: project.id, action: "member.role_changed", targetType: "user", targetId: userId, before: { email: membership.user.email, role: before }, after: { email: membership.user.email, role } });
    return { userId, email: membership.user.email, role };
  });
}

export async function removeMember(ctx: ServerContext, projectSlug: string, userId: string) {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "project:admin");
  return db().$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "Project" WHERE id = ${project.id}::uuid FOR UPDATE`;
    const membership = /^[0-9a-f-]{36}$/i.test(userId) ? await tx.membership.findUnique({ where: { userId_projectId: { userId, projectId: project.id } }, include: { user: true } }) : null;
    if (!membership) throw new AppError("not_found", "member not found");
    if (membership.role === "admin") await assertAnotherAdmin(tx, project.id, userId);
    await tx.membership.delete({ where: { id: membership.id } });
    await recordAudit(tx, ctx, { projectId: project.id, action: "member.removed", targetType: "user", targetId: userId, before: { email: membership.user.email, role: toRoleName(membership.role) } });
    return { userId, removed: true };
  });
}
