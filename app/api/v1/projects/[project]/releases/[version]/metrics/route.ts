import { authenticate } from "@/lib/auth/request";
import { readJson } from "@/lib/http/body";
import { json } from "@/lib/http/respond";
import { apiRoute } from "@/lib/http/route";
import { recordMetrics } from "@/lib/server/record-metrics";
import { metricsPayloadSchema } from "@/lib/validation/results";

export const POST = apiRoute<{ project: string; version: string }>(async (request, { project, version }, meta) => {
  const principal = await authenticate(request);
  const payload = metricsPayloadSchema.parse(await readJson(request, 1024 * 1024));
  return json(await recordMetrics({ principal, ...meta }, project, version, payload), 201);
});
