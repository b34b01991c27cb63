import { authenticate } from "@/lib/auth/request";
import { json } from "@/lib/http/respond";
import { apiRoute } from "@/lib/http/route";
import { getAuditTrail } from "@/lib/server/get-audit-trail";

export const GET = apiRoute<{ project: string; version: string }>(async (request, { project, version }, meta) => {
  const principal = await authenticate(request);
  return json(await getAuditTrail({ principal, ...meta }, project, version), 200, { "cache-control": "no-store" });
});
