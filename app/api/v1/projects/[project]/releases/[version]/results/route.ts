import { authenticateCounted } from "@/lib/auth/request";
import { readText } from "@/lib/http/body";
import { json } from "@/lib/http/respond";
import { apiRoute } from "@/lib/http/route";
import { negotiateResults } from "@/lib/ingest/negotiate";
import { idempotencyOf } from "@/lib/server/idempotency";
import { recordResults } from "@/lib/server/record-results";

const LIMIT = 25 * 1024 * 1024;

/** Shipcheck JSON, JUnit XML or CTRF, chosen by Content-Type or `?format=`. */
export const POST = apiRoute<{ project: string; version: string }>(async (request, { project, version }, meta) => {
  // The token's project and this release come with its lookup: one round trip fewer per report.
  const { principal, rateLimit, found } = await authenticateCounted(request, { release: { project, version } });
  meta.rateLimit = rateLimit;
  const text = await readText(request, LIMIT);
  const idempotency = idempotencyOf(request, principal, text);
  const { payload, source, warnings } = await negotiateResults(request, text);
  const outcome = await recordResults({ principal, ...meta }, project, version, payload, {
    source,
    warnings,
    idempotency,
    raw: { text, contentType: request.headers.get("content-type") },
    found,
  });
  return json(outcome.body, outcome.status, outcome.replayed ? { "Idempotent-Replayed": "true" } : undefined);
});
