// Adds a person, with memberships; generates a password when none is given (shown once).
import { generatePassword, hashPassword } from "@/lib/auth/password";
import { toDbRole } from "@/lib/auth/roles";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { createUserSchema, type CreateUserInput } from "@/lib/validation/admin";
import { recordAudit } from "./audit";
import type { ServerContext } from "./context";

export async function createUser(ctx: ServerContext, raw: CreateUserInput) {
  const input = createUserSchema.parse(raw);
  if (ctx.principal.kind !== "system" && !(ctx.principal.kind === "user" && ctx.principal.user.isAdmin)) {
    throw new AppError("forbidden", "only an instance administrator can create users");
  }
  const password = input.password ?? generatePassword();
  const passwordHash = await hashPassword(password);
  const user = await db().$transaction(async (tx) => {
    if (await tx.user.findUnique({ where: { email: input.email } })) {
      throw new AppError("conflict", `a user with email ${input.email} already exists`);
    }
    const projects = await tx.project.findMany({ where: { slug: { in: input.memberships.map((m) => m.project) } } });
    const bySlug = new Map(projects.map((p) => [p.slug, p]));
    for (const m of input.memberships) {
      if (!bySlug.has(m.project)) throw new AppError("not_found", `project "${m.project}" not found`);
    }
    const created = await tx.user.create({
      data: {
        email: input.email,
        name: input.name ?? null,
        passwordHash,
        isAdmin: input.isAdmin,
        memberships: { create: input.memberships.map((m) => ({ projectId: bySlug.get(m.project)!.id, role: toDbRole(m.role) })) },
      },
    });
    for (const m of input.memberships) {
      await recordAudit(tx, ctx, {
        projectId: bySlug.get(m.project)!.id,
        action: "member.added",
        targetType: "user",
        targetId: created.id,
        after: { email: created.email, role: m.role },
      });
    }
    await recordAudit(tx, ctx, { projectId: null, action: "user.created", targetType: "user", targetId: created.id, after: { email: created.email, isAdmin: created.isAdmin } });
    return created;
  });
  return { user, password: input.password ? null : password };
}
