// Making and loading the signed checkpoints of every audit chain, a release's, a project's own
// and the instance's (docs/decisions/009): a writer
// signs one when its chain is due, under the chain's lock it already holds; a reader that has just
// verified the chain signs its head when no checkpoint covers it yet.
import { Prisma, type AuditCheckpoint } from "@/generated/prisma/client";
import { chainScope } from "@/lib/audit/chain";
import { checkpointDue, checkpointSignatureValid, CHECKPOINT_EVERY_EVENTS, signCheckpoint, type Checkpoint, type CheckpointFields } from "@/lib/audit/checkpoint";
import { db, type Tx } from "@/lib/db/client";
import type { SqlClient } from "@/lib/db/pipeline";
import { auditSigningKey, type SigningKey } from "./audit-signing-key";

export function toCheckpointRecord(row: AuditCheckpoint): Checkpoint {
  return {
    id: row.id.toString(),
    chain: row.chain,
    headId: row.headId.toString(),
    headHash: row.headHash,
    events: row.events,
    createdAt: row.createdAt.toISOString(),
    keyId: row.keyId,
    signature: row.signature,
  };
}

/** A chain's checkpoints, oldest first. */
export async function loadCheckpoints(chain: string, client: Tx = db()): Promise<Checkpoint[]> {
  const rows = await client.auditCheckpoint.findMany({ where: { chain }, orderBy: { id: "asc" } });
  return rows.map(toCheckpointRecord);
}

// Raw SQL, so that a writer on a pipelined transaction (results) signs on the same connection.
async function storeCheckpoint(tx: SqlClient, key: SigningKey, fields: CheckpointFields): Promise<Checkpoint> {
  const { keyId, signature } = signCheckpoint(key.privateKey, fields);
  const [row] = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO "AuditCheckpoint" (chain, "headId", "headHash", events, "createdAt", "keyId", signature)
    VALUES (${fields.chain}, ${fields.headId}::bigint, ${fields.headHash}, ${fields.events}::int, (${fields.createdAt}::timestamptz AT TIME ZONE 'UTC'), ${keyId}, ${signature})
    RETURNING id::text`;
  return { id: row!.id, chain: fields.chain, headId: fields.headId, headHash: fields.headHash, events: fields.events, createdAt: fields.createdAt, keyId, signature };
}

/**
 * For a reader that has just verified the chain and every checkpoint: signs the head when no
 * checkpoint covers it. Within the reader's snapshot, without the chain's lock: the events it saw
 * are a prefix of the chain whatever is appended meanwhile, and a checkpoint of a prefix stays true.
 */
export async function checkpointVerifiedHead(tx: Tx, chain: string, events: readonly { id: string; hash: string | null }[], checkpoints: readonly Checkpoint[]): Promise<Checkpoint | null> {
  const head = events.at(-1);
  if (!head?.hash || checkpoints.some((c) => c.events >= events.length)) return null;
  return storeCheckpoint(tx, auditSigningKey(), { chain, headId: head.id, headHash: head.hash, events: events.length, createdAt: new Date().toISOString() });
}

/** What a writer needs about a chain before appending: the last hash, the last checkpoint and how far behind it is. */
export type ChainHead = {
  prevHash: string | null;
  last: CheckpointFields & { signature: string } | null;
  /** Ids reserved for the events about to be appended, ascending. */
  ids: bigint[];
  /** Events after the last checkpoint's head, counted up to CHECKPOINT_EVERY_EVENTS. */
  since: number;
};

/** chainHeadSql's JSON: ids as text, the checkpoint's time as toISOString() writes it. */
export type HeadRow = {
  prevHash: string | null;
  headId: string | null;
  headHash: string | null;
  events: number | null;
  createdAt: string | null;
  signature: string | null;
  since: number | null;
  ids: string[];
};

/** The chain's events, as a Prisma filter. */
export function chainWhere(chain: string): Prisma.AuditEventWhereInput {
  const scope = chainScope(chain);
  return scope.releaseId !== null ? { releaseId: scope.releaseId } : { releaseId: null, projectId: scope.projectId };
}

/** The chain's events, as SQL on "AuditEvent" e. */
function chainSql(chain: string): Prisma.Sql {
  const scope = chainScope(chain);
  if (scope.releaseId !== null) return Prisma.sql`e."releaseId" = ${scope.releaseId}::uuid`;
  if (scope.projectId !== null) return Prisma.sql`e."releaseId" IS NULL AND e."projectId" = ${scope.projectId}::uuid`;
  return Prisma.sql`e."releaseId" IS NULL AND e."projectId" IS NULL`;
}

/**
 * The chain's head as one JSON value, to read under the chain's lock: the previous hash and the
 * checkpoint state, and `reserve` ids for the events about to be appended (taken under the lock,
 * so they follow the chain's order), so the insert needs no answer back. A scalar subquery, so a
 * writer can read it in a statement of its own (keptRunsStatements' `alsoRead`).
 */
export function chainHeadSql(chain: string, reserve: number): Prisma.Sql {
  const events = chainSql(chain);
  return Prisma.sql`(SELECT json_build_object(
      'prevHash', (SELECT e.hash FROM "AuditEvent" e WHERE ${events} ORDER BY e.id DESC LIMIT 1),
      'headId', c."headId"::text, 'headHash', c."headHash", 'events', c.events, 'signature', c.signature,
      'createdAt', to_char(c."createdAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      'since', (SELECT count(*)::int FROM (SELECT 1 FROM "AuditEvent" e WHERE ${events} AND e.id > c."headId" LIMIT ${CHECKPOINT_EVERY_EVENTS}) s),
      'ids', (SELECT coalesce(json_agg(nextval(pg_get_serial_sequence('"AuditEvent"', 'id'))::text), '[]') FROM generate_series(1, ${reserve}::int)))
    FROM (SELECT 1) AS one
    LEFT JOIN LATERAL (SELECT * FROM "AuditCheckpoint" k WHERE k.chain = ${chain} ORDER BY k.id DESC LIMIT 1) c ON true)`;
}

async function countEvents(tx: SqlClient, chain: string): Promise<number> {
  const [row] = await tx.$queryRaw<{ events: number }[]>`SELECT count(*)::int AS events FROM "AuditEvent" e WHERE ${chainSql(chain)}`;
  return row!.events;
}

/** What chainHeadSql read. */
export function chainHeadFrom(chain: string, row: HeadRow): ChainHead {
  const last =
    row.headId !== null && row.headHash && row.events !== null && row.createdAt && row.signature
      ? { chain, headId: row.headId, headHash: row.headHash, events: row.events, createdAt: row.createdAt, signature: row.signature }
      : null;
  const ids = row.ids.map(BigInt).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { prevHash: row.prevHash, last, since: row.since ?? 0, ids };
}

/** The chain's head in a round trip of its own, under the chain's lock (chainHeadSql). */
export async function chainHead(tx: SqlClient, chain: string, reserve = 0): Promise<ChainHead> {
  const [row] = await tx.$queryRaw<{ head: HeadRow }[]>`SELECT ${chainHeadSql(chain, reserve)} AS head`;
  return chainHeadFrom(chain, row!.head);
}

/** Whether appending `appended` events after `head` makes the chain due for a checkpoint (pure). */
export function checkpointDueAfter(head: ChainHead, now: Date, appended: number): boolean {
  return checkpointDue(head.last ? { createdAt: new Date(head.last.createdAt) } : null, head.since + appended, now);
}

/**
 * After a writer appended `appended` events to a chain, `event` the last, still under the chain's lock: signs a
 * checkpoint of it when the chain is due (docs/decisions/009). The count builds on the last
 * checkpoint when that one verifies and the gap was counted exactly; otherwise it is counted.
 */
export async function checkpointAfterWrite(tx: SqlClient, chain: string, head: ChainHead, event: { id: bigint; hash: string }, now: Date, appended = 1): Promise<void> {
  if (!checkpointDueAfter(head, now, appended)) return;
  const since = head.since + appended;
  const last = head.last;
  const key = auditSigningKey();
  const builds = last !== null && head.since < CHECKPOINT_EVERY_EVENTS && checkpointSignatureValid(key.publicKey, last);
  const events = builds ? last.events + since : await countEvents(tx, chain);
  await storeCheckpoint(tx, key, { chain, headId: event.id.toString(), headHash: event.hash, events, createdAt: now.toISOString() });
}
