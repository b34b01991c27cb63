// Keeps what CI or a webhook sent, compressed, for audit and re-processing.
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
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
