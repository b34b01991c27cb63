// Keeps what CI or a webhook sent, compressed, for audit and re-processing.
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
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

/** The same row as one INSERT, for a writer that sends it in the statement that stores what it carried. */
export function rawPayloadInsert(raw: RawBody, where: { projectId: string; releaseId: string | null; source: string; deliveryId: string }): Prisma.Sql {
  const sha256 = createHash("sha256").update(raw.text).digest("hex");
  return Prisma.sql`
    INSERT INTO "RawPayload" (id, "projectId", "releaseId", source, "contentType", sha256, body, "deliveryId", "receivedAt")
    VALUES (gen_random_uuid(), ${where.projectId}::uuid, ${where.releaseId}::uuid, ${where.source}, ${raw.contentType}, ${sha256}, ${gzipSync(raw.text)}, ${where.deliveryId}, (now() AT TIME ZONE 'UTC'))`;
}
