// Announcing what a release's gates did: evaluated after changes commit (by the worker), compared
// with what was last announced (ReleaseAnnouncement), and queued in the same transaction that
// records the new state. The row is locked (SKIP LOCKED), so two instances never announce one change twice.
import type { Prisma } from "@/generated/prisma/client";
import { db, type Tx } from "@/lib/db/client";
import type { RoleName } from "@/lib/templates/schema";
import { announceToGithub, type SentStatuses } from "@/lib/github/announce-gates";
import { releaseHealth } from "@/lib/server/gate-state";
import { gateChanges, stateOf, type AnnouncedState } from "./changes";
import { audienceFor, enqueueNotification } from "./enqueue";
import { notificationForAction } from "./events";
import { releaseUrl, type Notification } from "./message";

const roleOf = (config: unknown): RoleName | null => {
  const role = (config as { role?: unknown } | null)?.role;
  return typeof role === "string" ? (role as RoleName) : null;
};

/** Evaluates one release and queues what changed since the last announcement. Returns how many were queued. */
export async function announceRelease(releaseId: string): Promise<number> {
  return db().$transaction(
    async (tx) => {
      await tx.$executeRaw`INSERT INTO "ReleaseAnnouncement" ("releaseId", revision, state) VALUES (${releaseId}::uuid, '', 'null'::jsonb) ON CONFLICT DO NOTHING`;
      const [row] = await tx.$queryRaw<{ revision: string; state: AnnouncedState | null; github: SentStatuses | null }[]>`
        SELECT revision, state, github FROM "ReleaseAnnouncement" WHERE "releaseId" = ${releaseId}::uuid FOR UPDATE SKIP LOCKED`;
      // Another instance is announcing this release right now; it sees the same changes.
      if (!row) return 0;
      const release = await tx.release.findUnique({ where: { id: releaseId }, include: { project: { include: { environments: { orderBy: { position: "asc" } } } } } });
      if (!release) return 0;
      const environments = release.project.environments.map((e) => e.name);
      const health = await releaseHealth(release, environments);
      if (health.revision === row.revision) return 0;
      const items = await tx.releaseItem.findMany({ where: { releaseId, kind: "manual" }, select: { key: true, config: true } });
      const changes = gateChanges(row.state, health.gates, health.rollbackRecommended, new Set(items.map((i) => i.key)));
      let queued = 0;
      for (const change of changes) {
        const notification: Notification = {
          type: change.type,
          project: { slug: release.project.slug, name: release.project.name },
          release: { version: release.version, commit: release.commitSha },
          environment: change.environment,
          reasons: change.reasons.map((b) => ({ item: b.item, title: b.title, reason: b.reason, detail: b.detail })),
          actor: null,
          url: releaseUrl(release.project.slug, release.version, change.environment),
        };
        const itemRole = change.type === "signoff.needed" ? roleOf(items.find((i) => i.key === change.reasons[0]?.item)?.config) : null;
        queued += await enqueueNotification(tx, { projectId: release.projectId, releaseId }, notification, audienceFor(notification, itemRole));
      }
      const github = await announceToGithub(tx, release, health.gates, row.github);
      const state = stateOf(health.gates, health.rollbackRecommended) as unknown as Prisma.InputJsonValue;
      await tx.releaseAnnouncement.update({
        where: { releaseId },
        data: { revision: health.revision, state, github: (github ?? undefined) as unknown as Prisma.InputJsonValue | undefined, updatedAt: new Date() },
      });
      return queued;
    },
    { timeout: 30_000 },
  );
}

type AuditedChange = { projectId: string | null; releaseId?: string | null; action: string; targetId?: string | null; after?: unknown; actor: string };

/**
 * Changes that are notifications by themselves (a deploy, a rejection): queued in the transaction
 * that audits them, so nothing is announced for a change that was rolled back.
 */
export async function announceAuditedChange(tx: Tx, change: AuditedChange): Promise<void> {
  const type = notificationForAction(change.action);
  if (!type || !change.projectId || !change.releaseId) return;
  const release = await tx.release.findUnique({ where: { id: change.releaseId }, include: { project: true } });
  if (!release) return;
  const after = (change.after ?? {}) as { environment?: unknown; reason?: unknown; comment?: unknown };
  const environment = typeof after.environment === "string" ? after.environment : null;
  let itemRole: RoleName | null = null;
  const reasons: Notification["reasons"] = [];
  if (type === "signoff.rejected" && change.targetId) {
    const item = await tx.releaseItem.findUnique({ where: { releaseId_key: { releaseId: release.id, key: change.targetId } }, select: { key: true, title: true, config: true } });
    itemRole = roleOf(item?.config);
    const why = typeof after.reason === "string" ? after.reason : typeof after.comment === "string" ? after.comment : "";
    reasons.push({ item: change.targetId, title: item?.title ?? change.targetId, reason: "rejected", detail: why });
  }
  const notification: Notification = {
    type,
    project: { slug: release.project.slug, name: release.project.name },
    release: { version: release.version, commit: release.commitSha },
    environment,
    reasons,
    actor: change.actor,
    url: releaseUrl(release.project.slug, release.version, environment),
  };
  await enqueueNotification(tx, { projectId: change.projectId, releaseId: release.id }, notification, audienceFor(notification, itemRole));
}
