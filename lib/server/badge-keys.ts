// A project's public badge key, managed by its admins: created (or rotated: the old one stops
// working at once), shown once with ready-made Markdown, removed. Audited without the key.
import { authorize } from "@/lib/auth/permissions";
import { principalLabel } from "@/lib/auth/principal";
import { generateBadgeKey, publicBadgePath } from "@/lib/badge/public-key";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { recordAudit } from "./audit";
import type { ServerContext } from "./context";
import { findProject } from "./lookup";

export type BadgeKeyState = { project: string; exists: boolean; createdAt: string | null; createdBy: string | null };
export type BadgeKeyCreated = BadgeKeyState & { key: string; urls: { environment: string; url: string; markdown: string }[] };

const publicUrl = () => (process.env.NEXTAUTH_URL ?? "http://localhost:3000").replace(/\/+$/, "");

export async function getBadgeKey(ctx: ServerContext, projectSlug: string): Promise<BadgeKeyState> {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "project:admin");
  const row = await db().badgeKey.findUnique({ where: { projectId: project.id } });
  return { project: project.slug, exists: row !== null, createdAt: row?.createdAt.toISOString() ?? null, createdBy: row?.createdBy ?? null };
}

export async function createBadgeKey(ctx: ServerContext, projectSlug: string): Promise<BadgeKeyCreated> {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "project:admin");
  const { key, hash } = generateBadgeKey();
  const createdBy = principalLabel(ctx.principal);
  const row = await db().$transaction(async (tx) => {
    const before = await tx.badgeKey.findUnique({ where: { projectId: project.id } });
    const saved = await tx.badgeKey.upsert({
      where: { projectId: project.id },
      create: { projectId: project.id, keyHash: hash, createdBy },
      update: { keyHash: hash, createdBy, createdAt: new Date() },
    });
    await recordAudit(tx, ctx, { projectId: project.id, action: before ? "project.badge_key_rotated" : "project.badge_key_created", targetType: "project", targetId: project.id });
    return saved;
  });
  const urls = project.environments.map((e) => {
    const url = `${publicUrl()}${publicBadgePath(key, "latest", e.name)}`;
    return { environment: e.name, url, markdown: `![${e.name} gate](${url})` };
  });
  return { project: project.slug, exists: true, createdAt: row.createdAt.toISOString(), createdBy, key, urls };
}

export async function removeBadgeKey(ctx: ServerContext, projectSlug: string): Promise<BadgeKeyState> {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "project:admin");
  await db().$transaction(async (tx) => {
    const removed = await tx.badgeKey.deleteMany({ where: { projectId: project.id } });
    if (removed.count === 0) throw new AppError("not_found", `project "${project.slug}" has no badge key`);
    await recordAudit(tx, ctx, { projectId: project.id, action: "project.badge_key_removed", targetType: "project", targetId: project.id });
  });
  return { project: project.slug, exists: false, createdAt: null, createdBy: null };
}
