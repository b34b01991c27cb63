import { authenticate } from "@/lib/auth/request";
import { json } from "@/lib/http/respond";
import { apiRoute } from "@/lib/http/route";
import { getProjectChainTrail } from "@/lib/server/get-chain-trail";
import { chainTrailQuerySchema } from "@/lib/validation/chain-trail";

/** The project's own audit chain (`?limit=` newest events), checked against its signed checkpoints. */
export const GET = apiRoute<{ project: string }>(async (request, { project }, meta) => {
  const principal = await authenticate(request);
  const { limit } = chainTrailQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return json(await getProjectChainTrail({ principal, ...meta }, project, limit), 200, { "cache-control": "no-store" });
});
