// Query of GET /api/v1/projects/{project}/releases: filters, a page size and the cursor of the
// page before. The cursor is opaque to clients: the last release's creation time and id.
import { z } from "zod";
import type { ReleaseStatus } from "@/generated/prisma/enums";

export const RELEASE_STATUSES = ["in_progress", "ready", "deployed", "rolled_back", "abandoned"] as const satisfies readonly ReleaseStatus[];

export const RELEASE_PAGE_LIMIT = 100;

export const releaseListQuerySchema = z.strictObject({
  status: z.enum(RELEASE_STATUSES).optional(),
  deployedTo: z.string().min(1).max(100).optional(),
  notDeployedTo: z.string().min(1).max(100).optional(),
  limit: z.coerce.number().int("limit is a whole number").min(1, "limit is at least 1").max(RELEASE_PAGE_LIMIT, `limit is at most ${RELEASE_PAGE_LIMIT}`).default(50),
  cursor: z.string().max(200).optional(),
});
