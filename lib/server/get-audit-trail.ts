// A release's audit trail: every event of its hash chain, oldest first, with the chain checked and
// each event put in words for people.
import type { AuditEvent } from "@/generated/prisma/client";
import { chainCheckOf, describeAuditEvent, type AuditEventRecord, type AuditTrail, type DescribeContext } from "@/lib/audit/pack";
import { authorize } from "@/lib/auth/permissions";
import { db, type Tx } from "@/lib/db/client";
import type { ServerContext } from "./context";
import { findProject, findRelease } from "./lookup";

/** A stored row as the chain hashes it: JSON as read back, times as ISO strings, the id as text. */
export function toAuditRecord(row: AuditEvent): AuditEventRecord {
  return {
    id: row.id.toString(),
    projectId: row.projectId,
    releaseId: row.releaseId,
    actorUserId: row.actorUserId,
    actorToken: row.actorToken,
    actorLabel: row.actorLabel,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    before: row.before ?? null,
    after: row.after ?? null,
    createdAt: row.createdAt.toISOString(),
    requestId: row.requestId,
    ip: row.ip,
    prevHash: row.prevHash,
    hash: row.hash,
  };
}

/** The release's chain, in id order (the order recordAudit linked it in). */
export async function loadReleaseAuditEvents(releaseId: string, client: Tx = db()): Promise<AuditEventRecord[]> {
  const rows = await client.auditEvent.findMany({ where: { releaseId }, orderBy: { id: "asc" } });
  return rows.map(toAuditRecord);
}

/** Item titles and sign-offs of a release, so events can name what they were about. */
export async function describeContextOf(releaseId: string, client: Tx = db()): Promise<DescribeContext> {
  const items = await client.releaseItem.findMany({ where: { releaseId }, select: { key: true, title: true } });
  const signOffs = await client.signOff.findMany({
    where: { releaseId },
    select: { id: true, environment: true, item: { select: { key: true } }, user: { select: { email: true } } },
  });
  return {
    itemTitles: Object.fromEntries(items.map((i) => [i.key, i.title])),
    signOffs: Object.fromEntries(signOffs.map((s) => [s.id, { item: s.item.key, environment: s.environment, by: s.user.email }])),
  };
}

export async function getAuditTrail(ctx: ServerContext, projectSlug: string, version: string): Promise<AuditTrail> {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "release:read");
  const release = await findRelease(project.id, version);
  const events = await loadReleaseAuditEvents(release.id);
  const context = await describeContextOf(release.id);
  return {
    project: project.slug,
    release: release.version,
    chain: chainCheckOf(events),
    events: events.map((event) => ({ ...event, summary: describeAuditEvent(event, context) })),
  };
}
