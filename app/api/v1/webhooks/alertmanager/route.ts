import { authenticateCounted } from "@/lib/auth/request";
import { AppError } from "@/lib/errors";
import { readJsonText } from "@/lib/http/body";
import { json } from "@/lib/http/respond";
import { apiRoute } from "@/lib/http/route";
import { alertmanagerPayloadSchema } from "@/lib/ingest/alertmanager";
import { receiveAlerts } from "@/lib/server/receive-alerts";

/** Alertmanager's webhook receiver, with the project's API token as bearer credentials. */
export const POST = apiRoute<Record<string, never>>(async (request, _params, meta) => {
  const { principal, rateLimit } = await authenticateCounted(request);
  meta.rateLimit = rateLimit;
  if (principal.kind !== "token") throw new AppError("forbidden", "send alerts with the project's API token (Authorization: Bearer shp_…)");
  const { text, value } = await readJsonText(request, 5 * 1024 * 1024);
  const payload = alertmanagerPayloadSchema.parse(value);
  const environment = new URL(request.url).searchParams.get("environment");
  const outcome = await receiveAlerts({ principal, ...meta }, payload, environment, { text, contentType: request.headers.get("content-type") });
  return json(outcome, 201);
});
