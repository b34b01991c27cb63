// Idempotency-Key: the first response to a key is stored in the same transaction as the write it
// describes, so a retry gets that response again and nothing is stored twice. A concurrent retry
// waits on the key's row until the first request commits (INSERT … ON CONFLICT DO NOTHING).
import { createHash } from "node:crypto";
import type { Prisma } from "@/generated/prisma/client";
import type { Principal } from "@/lib/auth/principal";
import { db, type Tx } from "@/lib/db/client";
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
