import { authenticate } from "@/lib/auth/request";
import { AppError } from "@/lib/errors";
import { matchesTag, notModified, REVALIDATE } from "@/lib/http/etag";
import { json } from "@/lib/http/respond";
import { apiRoute } from "@/lib/http/route";
import { getGate } from "@/lib/server/get-gate";

export const GET = apiRoute<{ project: string; version: string }>(async (request, { project, version }, meta) => {
  const principal = await authenticate(request);
  const environment = new URL(request.url).searchParams.get("environment");
  if (!environment) throw new AppError("bad_request", "add ?environment=<name> to ask about one environment's gate");
  const { report, etag } = await getGate({ principal, ...meta }, project, version, environment);
  if (matchesTag(request.headers.get("if-none-match"), etag)) return notModified(etag);
  return json(report, 200, { etag, "cache-control": REVALIDATE });
});
