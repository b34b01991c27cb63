// Audit events are written inside the same transaction as the change they describe, each one
// chained to the previous event of its release (or project) by hash; release chains get a signed
// checkpoint now and then, in the same transaction. Every change worth an audit event is also what
// open release pages show, so the same place announces it to them (NOTIFY, delivered on commit).
import { Prisma } from "@/generated/prisma/client";
import { chainOf, eventHash, type ChainedEvent } from "@/lib/audit/chain";
import { principalLabel } from "@/lib/auth/principal";
import type { Tx } from "@/lib/db/client";
import type { SqlClient } from "@/lib/db/pipeline";
import { announceAuditedChange } from "@/lib/notifications/announce";
import { CHANGES_CHANNEL, encodeNotice } from "@/lib/realtime/change";
import { chainHead, checkpointAfterWrite, checkpointDueAfter, type ChainHead } from "./audit-checkpoints";
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

/** The chain's lock, as an SQL expression, for a writer that takes it together with its own (keptRunsStatements). */
export const chainLock = (chain: string) => Prisma.sql`pg_advisory_xact_lock(hashtext(${chain}))`;

type ChainedRow = ChainedEvent & { id: string; prevHash: string | null; hash: string };

/** Events of one chain, linked to its head and to each other, ready to insert (chainAppend). */
export type ChainAppend = {
  chain: string;
  head: ChainHead;
  now: Date;
  entries: { ctx: ServerContext; entry: AuditEntry }[];
  rows: ChainedRow[];
  last: { id: bigint; hash: string };
  /** The open pages' notice; none for events of no project (sign-ins, accounts: no page shows them live). */
  notice: string | null;
};

/** The chain every entry belongs to; they must share one. */
function chainOfEntries(entries: { ctx: ServerContext; entry: AuditEntry }[]): string {
  const chains = new Set(entries.map(({ entry }) => chainOf({ releaseId: entry.releaseId ?? null, projectId: entry.projectId })));
  if (chains.size !== 1) throw new Error("recordAudits: every event of one call must belong to one chain");
  return [...chains][0]!;
}

/**
 * Pure: the entries as events after `head` (read under the chain's lock with as many ids
 * reserved as there are entries), each linked to the one before it.
 */
export function chainAppend(chain: string, head: ChainHead, entries: { ctx: ServerContext; entry: AuditEntry }[], now = new Date()): ChainAppend {
  if (head.ids.length !== entries.length) throw new Error(`chainAppend: ${entries.length} events need as many reserved ids, not ${head.ids.length}`);
  let prevHash = head.prevHash;
  const rows = entries.map(({ ctx, entry }, i) => {
    const event = chainedEvent(ctx, entry, now);
    const hash = eventHash(prevHash, event);
    const row = { ...event, id: head.ids[i]!.toString(), prevHash, hash };
    prevHash = hash;
    return row;
  });
  const last = { id: head.ids.at(-1)!, hash: rows.at(-1)!.hash };
  // One notice per call: open pages read the release again, once.
  const event = rows.at(-1)!;
  const notice = event.projectId ? encodeNotice({ projectId: event.projectId, releaseId: event.releaseId, kind: event.action, eventId: String(last.id) }) : null;
  return { chain, head, now, entries, rows, last, notice };
}

/** Whether checkpointIfDue will sign one for these events (and so write). */
export function checkpointIsDue(append: ChainAppend): boolean {
  return checkpointDueAfter(append.head, append.now, append.rows.length);
}

/** After the events' insert, still under the chain's lock: a checkpoint when one is due (raw SQL, so any SqlClient). */
export async function checkpointIfDue(tx: SqlClient, append: ChainAppend): Promise<void> {
  await checkpointAfterWrite(tx, append.chain, append.head, append.last, append.now, append.rows.length);
}

/** After the events' insert, still under the chain's lock: a checkpoint when one is due, and the notifications the events are. */
export async function afterChainAppend(tx: Tx, append: ChainAppend): Promise<void> {
  await checkpointIfDue(tx, append);
  for (const [i, { entry }] of append.entries.entries()) {
    // A deploy or a rejection is a notification by itself: queued with the change, or not at all.
    await announceAuditedChange(tx, { ...entry, actor: append.rows[i]!.actorLabel });
  }
}

/**
 * Events of one chain, in order, appended in one go (a batch of reports stored together): one lock,
 * one look at the chain's head (docs/decisions/009: it also says whether a checkpoint is due),
 * each event linked to the one before it, one insert that sends the open pages' notice too.
 */
export async function recordAudits(tx: Tx, entries: { ctx: ServerContext; entry: AuditEntry }[]): Promise<void> {
  if (entries.length === 0) return;
  const chain = chainOfEntries(entries);
  // One writer per chain at a time, so every event links to the one truly before it.
  await tx.$executeRaw`SELECT ${chainLock(chain)}`;
  const append = chainAppend(chain, await chainHead(tx, chain, entries.length), entries);
  await tx.$executeRaw(appendStatement(append));
  await afterChainAppend(tx, append);
}

/** The events' insert with the notice, as one statement of its own. */
function appendStatement(append: ChainAppend): Prisma.Sql {
  const insert = insertEvents(append);
  if (append.notice === null) return insert;
  // NOTIFY is delivered at commit, like the rows.
  return Prisma.sql`WITH inserted AS (${insert} RETURNING 1) SELECT ${noticeOf(append)} FROM (SELECT count(*) FROM inserted) AS done`;
}

/** The notice as an SQL expression (pg_notify), for a writer that ends its own statement with it; null when there is none. */
export function noticeOf(append: ChainAppend): Prisma.Sql {
  return append.notice === null ? Prisma.sql`NULL` : Prisma.sql`pg_notify(${CHANGES_CHANNEL}, ${append.notice})`;
}

/** The chained events as one INSERT, their ids given; a writer may send it as a CTE of its own statement. */
export function insertEvents({ rows, now }: ChainAppend): Prisma.Sql {
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
  return Prisma.sql`
    INSERT INTO "AuditEvent" (id, "projectId", "releaseId", "actorUserId", "actorToken", "actorLabel", action, "targetType", "targetId", before, after, "requestId", ip, "createdAt", "prevHash", hash)
    SELECT e.id::bigint, e.project_id::uuid, e.release_id::uuid, e.actor_user_id::uuid, e.actor_token, e.actor_label, e.action, e.target_type, e.target_id, e.before, e.after,
      e.request_id, e.ip, (${now.toISOString()}::timestamptz AT TIME ZONE 'UTC'), e.prev_hash, e.hash
    FROM jsonb_to_recordset(${json}::jsonb) AS e(id text, project_id text, release_id text, actor_user_id text, actor_token text, actor_label text, action text, target_type text,
      target_id text, before jsonb, after jsonb, request_id text, ip text, prev_hash text, hash text)
    ORDER BY e.id::bigint`;
}
