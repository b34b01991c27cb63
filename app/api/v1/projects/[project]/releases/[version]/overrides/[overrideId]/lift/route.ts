import { authenticate } from "@/lib/auth/request";
import { json } from "@/lib/http/respond";
import { apiRoute } from "@/lib/http/route";
import { liftOverride } from "@/lib/server/gate-override";

/** Lifts the override, for clients that cannot send DELETE. */
export const POST = apiRoute<{ project: string; version: string; overrideId: string }>(async (request, { project, version, overrideId }, meta) => {
  const principal = await authenticate(request);
  return json(await liftOverride({ principal, ...meta }, project, version, overrideId));
});
