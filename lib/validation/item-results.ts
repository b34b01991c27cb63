// Query of GET …/items/{itemKey}/results: which environment, which page, optionally one status.
import { z } from "zod";
import { PAGE_LIMIT } from "@/lib/server/item-results";

export const itemResultsQuerySchema = z.strictObject({
  environment: z.string().min(1, "add ?environment=<name>").max(100),
  offset: z.coerce.number().int("offset is a whole number").min(0, "offset is 0 or more").max(10_000_000).default(0),
  limit: z.coerce.number().int("limit is a whole number").min(1, "limit is at least 1").max(PAGE_LIMIT, `limit is at most ${PAGE_LIMIT}`).default(100),
  status: z.enum(["passed", "failed", "flaky", "skipped"]).optional(),
});
