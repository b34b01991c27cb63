// Keeps what CI or a webhook sent, compressed, for audit and re-processing.
import { createHash } from "node:crypto";
import { promisify } from "node:util";
import { gzip, gzipSync } from "node:zlib";
import { Prisma } from "@/generated/prisma/client";
import type { Tx } from "@/lib/db/client";

export type RawBody = { text: string; contentType: string | null };

export async function keepRawPayload(tx: Tx, raw: RawBody, where: { projectId: string; releaseId: string | null; source: string; deliveryId: string }) {
  await tx.rawPayload.create({
    data: {
      ...where,
      contentType: raw.contentType,
      sha256: createHash("sha256").update(raw.text).digest("hex"),
      body: gzipSync(raw.text),
    },
  });
}

/** A body ready to keep: compressed and hashed. */
export type PackedBody = { contentType: string | null; sha256: string; gzipped: Buffer };

const gzipAsync = promisify(gzip);

/**
 * Compressed in libuv's thread pool, not on the event loop that every request shares (a 1 MB
 * report took it 10 ms and more), while its report is still on its way to a batch.
 */
export async function packRawPayload(raw: RawBody): Promise<PackedBody> {
  const gzipped = await gzipAsync(raw.text);
  return { contentType: raw.contentType, sha256: createHash("sha256").update(raw.text).digest("hex"), gzipped };
}

/** The same row as one INSERT, for a writer that sends it in the statement that stores what it carried. */
export function rawPayloadInsert(packed: PackedBody, where: { projectId: string; releaseId: string | null; source: string; deliveryId: string }): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO "RawPayload" (id, "projectId", "releaseId", source, "contentType", sha256, body, "deliveryId", "receivedAt")
    VALUES (gen_random_uuid(), ${where.projectId}::uuid, ${where.releaseId}::uuid, ${where.source}, ${packed.contentType}, ${packed.sha256}, ${packed.gzipped}, ${where.deliveryId}, (now() AT TIME ZONE 'UTC'))`;
}
