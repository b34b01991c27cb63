import { authenticate } from "@/lib/auth/request";
import { json } from "@/lib/http/respond";
import { apiRoute } from "@/lib/http/route";
import { getInstanceChainTrail } from "@/lib/server/get-chain-trail";
import { chainTrailQuerySchema } from "@/lib/validation/chain-trail";

/** The instance's audit chain (sign-ins, accounts; `?limit=` newest events), checked against its signed checkpoints. */
export const GET = apiRoute<Record<string, never>>(async (request, _params, meta) => {
  const principal = await authenticate(request);
  const { limit } = chainTrailQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return json(await getInstanceChainTrail({ principal, ...meta }, limit), 200, { "cache-control": "no-store" });
});
