// A release's audit trail (and the helpers every chain's trail uses): every event of its hash chain, oldest first, with the chain and its
// signed checkpoints checked, and each event put in words for people.
import { Prisma, type AuditEvent } from "@/generated/prisma/client";
import { chainOf } from "@/lib/audit/chain";
import type { Checkpoint } from "@/lib/audit/checkpoint";
import { chainCheckOf, describeAuditEvent, type AuditEventRecord, type AuditTrail, type ChainCheck, type DescribeContext } from "@/lib/audit/pack";
import { authorize } from "@/lib/auth/permissions";
import { db, type Tx } from "@/lib/db/client";
import { chainWhere, checkpointVerifiedHead, loadCheckpoints } from "./audit-checkpoints";
import { auditSigningKey } from "./audit-signing-key";
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

/** A chain's events, in id order (the order recordAudit linked them in). */
export async function loadChainEvents(chain: string, client: Tx = db()): Promise<AuditEventRecord[]> {
  const rows = await client.auditEvent.findMany({ where: chainWhere(chain), orderBy: { id: "asc" } });
  return rows.map(toAuditRecord);
}

export type VerifiedChain = { events: AuditEventRecord[]; checkpoints: Checkpoint[]; chain: ChainCheck };

/**
 * A chain and its checkpoints, read in the caller's snapshot (both from one, so a checkpoint
 * never names an event the read missed), checked against the signing key; when they hold and no
 * checkpoint covers the head yet, the head is signed now (docs/decisions/009).
 */
export async function loadVerifiedChain(chainName: string, tx: Tx): Promise<VerifiedChain> {
  const key = auditSigningKey();
  const checkpoints = await loadCheckpoints(chainName, tx);
  const events = await loadChainEvents(chainName, tx);
  const chain = chainCheckOf(events, checkpoints, key.publicKey);
  if (!chain.ok) return { events, checkpoints, chain };
  const fresh = await checkpointVerifiedHead(tx, chainName, events, checkpoints);
  if (!fresh) return { events, checkpoints, chain };
  return { events, checkpoints: [...checkpoints, fresh], chain: { ...chain, checkpoints: chain.checkpoints + 1, signedEvents: fresh.events } };
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
  return db().$transaction(
    async (tx) => {
      const release = await findRelease(project.id, version, tx);
      const { events, checkpoints, chain } = await loadVerifiedChain(chainOf({ releaseId: release.id, projectId: project.id }), tx);
      const context = await describeContextOf(release.id, tx);
      return {
        project: project.slug,
        release: release.version,
        chain,
        signingKey: auditSigningKey().info,
        checkpoints,
        events: events.map((event) => ({ ...event, summary: describeAuditEvent(event, context) })),
      };
    },
    // A long trail takes a while to read and check: the evidence pack's limits, not the 5 s default.
    { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead, timeout: 60_000, maxWait: 10_000 },
  );
}
