import { authenticate } from "@/lib/auth/request";
import { json } from "@/lib/http/respond";
import { apiRoute } from "@/lib/http/route";
import { getReleaseState } from "@/lib/server/get-release-state";

export const GET = apiRoute<{ project: string; version: string }>(async (request, { project, version }, meta) => {
  const principal = await authenticate(request);
  return json(await getReleaseState({ principal, ...meta }, project, version), 200, { "cache-control": "no-store" });
});
