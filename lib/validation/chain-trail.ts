// Query of GET /api/v1/audit and GET /api/v1/projects/{project}/audit: how many of the newest events.
import { z } from "zod";
import { CHAIN_TRAIL_DEFAULT_LIMIT, CHAIN_TRAIL_MAX_LIMIT } from "@/lib/server/get-chain-trail";

export const chainTrailQuerySchema = z.strictObject({
  limit: z.coerce
    .number()
    .int("limit is a whole number")
    .min(1, "limit is at least 1")
    .max(CHAIN_TRAIL_MAX_LIMIT, `limit is at most ${CHAIN_TRAIL_MAX_LIMIT}`)
    .default(CHAIN_TRAIL_DEFAULT_LIMIT),
});
