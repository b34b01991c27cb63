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
  await recordAudits(tx, [{ ctx, entry }]);
}

function chainedEvent(ctx: ServerContext, entry: AuditEntry, createdAt: Date): ChainedEvent {
  const { principal } = ctx;
  return {
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
    createdAt: createdAt.toISOString(),
  };
}

/**
 * Events of one chain, in order, appended in one go (a batch of reports stored together): one lock,
 * one look at the chain's head, each event linked to the one before it, one insert.
 */
export async function recordAudits(tx: Tx, entries: { ctx: ServerContext; entry: AuditEntry }[]): Promise<void> {
  if (entries.length === 0) return;
  const now = new Date();
  const events = entries.map(({ ctx, entry }) => chainedEvent(ctx, entry, now));
  const chain = chainOf(events[0]!);
  if (events.some((e) => chainOf(e) !== chain)) throw new Error("recordAudits: every event of one call must belong to one chain");
  // One writer per chain at a time, so every event links to the one truly before it.
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${chain}))`;
  // Every chain is checkpointed (docs/decisions/009): one query finds the previous hash and
  // whether a checkpoint is due.
  const head = await chainHead(tx, chain);
  let prevHash = head.prevHash;
  const rows = events.map((event) => {
    const hash = eventHash(prevHash, event);
    const row = { ...event, before: event.before ?? undefined, after: event.after ?? undefined, createdAt: now, prevHash, hash } as Prisma.AuditEventUncheckedCreateInput;
    prevHash = hash;
    return row;
  });
  // A multi-row INSERT numbers its rows in order, so ids follow the chain.
  const created =
    rows.length === 1
      ? [await tx.auditEvent.create({ data: rows[0]!, select: { id: true, hash: true } })]
      : await tx.auditEvent.createManyAndReturn({ data: rows, select: { id: true, hash: true } });
  const last = created.reduce((a, b) => (b.id > a.id ? b : a));
  await checkpointAfterWrite(tx, chain, head, { id: last.id, hash: last.hash! }, now, rows.length);
  for (const [i, { entry }] of entries.entries()) {
    // A deploy or a rejection is a notification by itself: queued with the change, or not at all.
    await announceAuditedChange(tx, { ...entry, actor: events[i]!.actorLabel });
  }
  // Sign-ins and accounts belong to no project: no page shows them live. One notice per call:
  // open pages read the release again, once.
  const event = events.at(-1)!;
  if (event.projectId) await notifyChange(tx, { projectId: event.projectId, releaseId: event.releaseId, kind: event.action, eventId: String(last.id) });
}
