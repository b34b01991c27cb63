import { authenticateCounted } from "@/lib/auth/request";
import { readJsonText } from "@/lib/http/body";
import { json } from "@/lib/http/respond";
import { apiRoute } from "@/lib/http/route";
import { idempotencyOf } from "@/lib/server/idempotency";
import { recordMetrics } from "@/lib/server/record-metrics";
import { metricsPayloadSchema } from "@/lib/validation/results";

export const POST = apiRoute<{ project: string; version: string }>(async (request, { project, version }, meta) => {
  const { principal, rateLimit, found } = await authenticateCounted(request, { release: { project, version } });
  meta.rateLimit = rateLimit;
  const { text, value } = await readJsonText(request, 1024 * 1024);
  const payload = metricsPayloadSchema.parse(value);
  const outcome = await recordMetrics({ principal, ...meta }, project, version, payload, {
    idempotency: idempotencyOf(request, principal, text),
    raw: { text, contentType: request.headers.get("content-type") },
    found,
  });
  return json(outcome.body, outcome.status, outcome.replayed ? { "Idempotent-Replayed": "true" } : undefined);
});
