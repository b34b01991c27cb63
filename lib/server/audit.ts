// Audit events are written inside the same transaction as the change they describe, each one
// chained to the previous event of its release (or project) by hash; release chains get a signed
// checkpoint now and then, in the same transaction. Every change worth an audit event is also what
// open release pages show, so the same place announces it to them (NOTIFY, delivered on commit).
import type { Prisma } from "@/generated/prisma/client";
import { chainOf, eventHash, type ChainedEvent } from "@/lib/audit/chain";
import { principalLabel } from "@/lib/auth/principal";
import type { Tx } from "@/lib/db/client";
import { announceAuditedChange } from "@/lib/notifications/announce";
import { notifyChange } from "@/lib/realtime/notify";
import { chainHead, checkpointAfterWrite } from "./audit-checkpoints";
import type { ServerContext } from "./context";

export type AuditEntry = {
  projectId: string | null;
  releaseId?: string | null;
  action: string;
  targetType: string;
  targetId?: string | null;
  before?: Prisma.InputJsonValue;
  after?: Prisma.InputJsonValue;
};

export async function recordAudit(tx: Tx, ctx: ServerContext, entry: AuditEntry): Promise<void> {
  const { principal } = ctx;
  const event: ChainedEvent = {
    projectId: entry.projectId,
    releaseId: entry.releaseId ?? null,
    actorUserId: principal.kind === "user" ? principal.user.id : null,
    actorToken: principal.kind === "token" ? principal.token.id : null,
    actorLabel: principalLabel(principal),
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId ?? null,
    // Stored as JSON and read back as JSON: hash what will be read back.
    before: entry.before === undefined ? null : JSON.parse(JSON.stringify(entry.before)),
    after: entry.after === undefined ? null : JSON.parse(JSON.stringify(entry.after)),
    requestId: ctx.requestId ?? null,
    ip: ctx.ip ?? null,
    createdAt: new Date().toISOString(),
  };
  // One writer per chain at a time, so every event links to the one truly before it.
  const chain = chainOf(event);
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${chain}))`;
  // Every chain is checkpointed (docs/decisions/009): one query finds the previous hash and
  // whether a checkpoint is due.
  const head = await chainHead(tx, chain);
  const prevHash = head.prevHash;
  const hash = eventHash(prevHash, event);
  const created = await tx.auditEvent.create({
    data: {
      ...event,
      before: event.before ?? undefined,
      after: event.after ?? undefined,
      createdAt: new Date(event.createdAt),
      prevHash,
      hash,
    } as Prisma.AuditEventUncheckedCreateInput,
    select: { id: true },
  });
  await checkpointAfterWrite(tx, chain, head, { id: created.id, hash }, new Date(event.createdAt));
  // A deploy or a rejection is a notification by itself: queued with the change, or not at all.
  await announceAuditedChange(tx, { ...entry, actor: event.actorLabel });
  // Sign-ins and accounts belong to no project: no page shows them live.
  if (event.projectId) await notifyChange(tx, { projectId: event.projectId, releaseId: event.releaseId, kind: event.action, eventId: String(created.id) });
}
