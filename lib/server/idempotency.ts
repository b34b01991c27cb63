// Idempotency-Key: the first response to a key is stored in the same transaction as the write it
// describes, so a retry gets that response again and nothing is stored twice. A concurrent retry
// waits on the key's row until the first request commits (INSERT … ON CONFLICT DO NOTHING).
import { createHash } from "node:crypto";
import type { Prisma } from "@/generated/prisma/client";
import type { Principal } from "@/lib/auth/principal";
import { db, type Tx } from "@/lib/db/client";
import type { SqlClient } from "@/lib/db/pipeline";
import { AppError } from "@/lib/errors";

export type Idempotency = { scope: string; key: string; requestHash: string };

export class IdempotentReplay extends Error {}

export type StoredResponse = { status: number; body: unknown; replayed: boolean };

/** Null when the request carries no Idempotency-Key. */
export function idempotencyOf(request: Request, principal: Principal, body: string): Idempotency | null {
  const key = request.headers.get("idempotency-key");
  if (key === null) return null;
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) throw new AppError("bad_request", "Idempotency-Key must be 1 to 255 visible ASCII characters");
  const scope = principal.kind === "token" ? `token:${principal.token.id}` : principal.kind === "user" ? `user:${principal.user.id}` : `system:${principal.label}`;
  // The query string is part of the request: JUnit and CTRF reports say their environment and run there.
  const url = new URL(request.url);
  const requestHash = createHash("sha256")
    .update(`${request.method} ${url.pathname}${url.search}\n${request.headers.get("content-type") ?? ""}\n`)
    .update(body)
    .digest("hex");
  return { scope, key, requestHash };
}

/** Inside the write's transaction: claims the key, or throws IdempotentReplay when it was used. */
export async function claimIdempotencyKey(tx: Tx, idempotency: Idempotency | null): Promise<void> {
  if (!idempotency) return;
  const claimed = await tx.$executeRaw`
    INSERT INTO "IdempotencyRecord" (id, scope, key, "requestHash", status, response)
    VALUES (gen_random_uuid(), ${idempotency.scope}, ${idempotency.key}, ${idempotency.requestHash}, 0, '{}'::jsonb)
    ON CONFLICT (scope, key) DO NOTHING`;
  if (claimed === 0) throw new IdempotentReplay();
}

/**
 * The same for a batch, in one statement: which requests claimed their key (true for those without
 * one). Of two in the batch with one key, the first claims it and the other replays its response.
 * Keys are claimed in a fixed order, so two batches waiting on each other's keys cannot deadlock.
 */
export async function claimIdempotencyKeys(tx: SqlClient, batch: (Idempotency | null)[]): Promise<boolean[]> {
  const id = (i: Idempotency) => `${i.scope}\u0000${i.key}`;
  const first = new Map<string, Idempotency>();
  for (const i of batch) if (i && !first.has(id(i))) first.set(id(i), i);
  if (first.size === 0) return batch.map(() => true);
  const keys = [...first.values()].sort((a, b) => (id(a) < id(b) ? -1 : 1));
  const rows = await tx.$queryRaw<{ scope: string; key: string }[]>`
    INSERT INTO "IdempotencyRecord" (id, scope, key, "requestHash", status, response)
    SELECT gen_random_uuid(), k.scope, k.key, k.hash, 0, '{}'::jsonb
    FROM unnest(${keys.map((k) => k.scope)}::text[], ${keys.map((k) => k.key)}::text[], ${keys.map((k) => k.requestHash)}::text[]) WITH ORDINALITY AS k(scope, key, hash, n)
    ORDER BY k.n
    ON CONFLICT (scope, key) DO NOTHING
    RETURNING scope, key`;
  const claimed = new Set(rows.map((r) => `${r.scope}\u0000${r.key}`));
  return batch.map((i) => i === null || (claimed.has(id(i)) && first.get(id(i)) === i));
}

/** Inside the same transaction, once the response is known. */
export async function storeIdempotentResponse(tx: Tx, idempotency: Idempotency | null, status: number, body: unknown): Promise<void> {
  if (!idempotency) return;
  await tx.idempotencyRecord.update({
    where: { scope_key: { scope: idempotency.scope, key: idempotency.key } },
    data: { status, response: body as Prisma.InputJsonValue },
  });
}

/** The stored response for a replayed key; 422 when the key came with a different request. */
export async function replayIdempotent(idempotency: Idempotency): Promise<StoredResponse> {
  const record = await db().idempotencyRecord.findUnique({ where: { scope_key: { scope: idempotency.scope, key: idempotency.key } } });
  if (!record || record.status === 0) throw new AppError("conflict", "a request with this Idempotency-Key is still being processed; retry shortly");
  if (record.requestHash !== idempotency.requestHash) {
    throw new AppError("validation_failed", "this Idempotency-Key was already used for a different request; use a new key for new content");
  }
  return { status: record.status, body: record.response, replayed: true };
}

/** The same for a batch, in one statement. */
export async function storeIdempotentResponses(tx: SqlClient, responses: { idempotency: Idempotency; status: number; body: unknown }[]): Promise<void> {
  if (responses.length === 0) return;
  await tx.$executeRaw`
    UPDATE "IdempotencyRecord" r SET status = v.status, response = v.response::jsonb
    FROM unnest(${responses.map((x) => x.idempotency.scope)}::text[], ${responses.map((x) => x.idempotency.key)}::text[], ${responses.map((x) => x.status)}::int[],
      ${responses.map((x) => JSON.stringify(x.body))}::text[]) AS v(scope, key, status, response)
    WHERE r.scope = v.scope AND r.key = v.key`;
}
