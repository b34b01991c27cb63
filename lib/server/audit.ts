// Audit events are written inside the same transaction as the change they describe, each one
// chained to the previous event of its release (or project) by hash; release chains get a signed
// checkpoint now and then, in the same transaction. Every change worth an audit event is also what
// open release pages show, so the same place announces it to them (NOTIFY, delivered on commit).
import { Prisma } from "@/generated/prisma/client";
import { chainOf, eventHash, type ChainedEvent } from "@/lib/audit/chain";
import { principalLabel } from "@/lib/auth/principal";
import type { Tx } from "@/lib/db/client";
import { announceAuditedChange } from "@/lib/notifications/announce";
import { CHANGES_CHANNEL, encodeNotice } from "@/lib/realtime/change";
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
/** The chain's lock, as an SQL expression, for a writer that takes it together with its own (keptRunsStatements). */
export const chainLock = (chain: string) => Prisma.sql`pg_advisory_xact_lock(hashtext(${chain}))`;

export async function recordAudits(tx: Tx, entries: { ctx: ServerContext; entry: AuditEntry }[], options: { chainLocked?: string } = {}): Promise<void> {
  if (entries.length === 0) return;
  const now = new Date();
  const events = entries.map(({ ctx, entry }) => chainedEvent(ctx, entry, now));
  const chain = chainOf(events[0]!);
  if (events.some((e) => chainOf(e) !== chain)) throw new Error("recordAudits: every event of one call must belong to one chain");
  // One writer per chain at a time, so every event links to the one truly before it. `chainLocked`:
  // the caller already holds this chain's lock, taken with its own.
  if (options.chainLocked !== chain) await tx.$executeRaw`SELECT ${chainLock(chain)}`;
  // Every chain is checkpointed (docs/decisions/009): one query finds the previous hash, whether a
  // checkpoint is due, and the ids the events will have.
  const head = await chainHead(tx, chain, events.length);
  let prevHash = head.prevHash;
  const rows = events.map((event, i) => {
    const hash = eventHash(prevHash, event);
    const row = { ...event, id: head.ids[i]!.toString(), prevHash, hash };
    prevHash = hash;
    return row;
  });
  const last = { id: head.ids.at(-1)!, hash: rows.at(-1)!.hash };
  // Sign-ins and accounts belong to no project: no page shows them live. One notice per call:
  // open pages read the release again, once. It goes with the insert, in one statement.
  const event = events.at(-1)!;
  const notice = event.projectId ? encodeNotice({ projectId: event.projectId, releaseId: event.releaseId, kind: event.action, eventId: String(last.id) }) : null;
  await tx.$executeRaw(insertEvents(rows, now, notice));
  await checkpointAfterWrite(tx, chain, head, last, now, rows.length);
  for (const [i, { entry }] of entries.entries()) {
    // A deploy or a rejection is a notification by itself: queued with the change, or not at all.
    await announceAuditedChange(tx, { ...entry, actor: events[i]!.actorLabel });
  }
}

/** The chained events as one INSERT (their ids given, in chain order), and the page notice with it. */
function insertEvents(rows: (ChainedEvent & { id: string; prevHash: string | null; hash: string })[], now: Date, notice: string | null): Prisma.Sql {
  const json = JSON.stringify(
    rows.map((r) => ({
      id: r.id,
      project_id: r.projectId,
      release_id: r.releaseId,
      actor_user_id: r.actorUserId,
      actor_token: r.actorToken,
      actor_label: r.actorLabel,
      action: r.action,
      target_type: r.targetType,
      target_id: r.targetId,
      before: r.before,
      after: r.after,
      request_id: r.requestId,
      ip: r.ip,
      prev_hash: r.prevHash,
      hash: r.hash,
    })),
  );
  const insert = Prisma.sql`
    INSERT INTO "AuditEvent" (id, "projectId", "releaseId", "actorUserId", "actorToken", "actorLabel", action, "targetType", "targetId", before, after, "requestId", ip, "createdAt", "prevHash", hash)
    SELECT e.id::bigint, e.project_id::uuid, e.release_id::uuid, e.actor_user_id::uuid, e.actor_token, e.actor_label, e.action, e.target_type, e.target_id, e.before, e.after,
      e.request_id, e.ip, (${now.toISOString()}::timestamptz AT TIME ZONE 'UTC'), e.prev_hash, e.hash
    FROM jsonb_to_recordset(${json}::jsonb) AS e(id text, project_id text, release_id text, actor_user_id text, actor_token text, actor_label text, action text, target_type text,
      target_id text, before jsonb, after jsonb, request_id text, ip text, prev_hash text, hash text)
    ORDER BY e.id::bigint`;
  if (notice === null) return insert;
  // NOTIFY is delivered at commit, like the rows.
  return Prisma.sql`WITH inserted AS (${insert} RETURNING 1) SELECT pg_notify(${CHANGES_CHANNEL}, ${notice}) FROM (SELECT count(*) FROM inserted) AS done`;
}
