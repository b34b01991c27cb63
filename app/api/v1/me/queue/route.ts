import { authenticate } from "@/lib/auth/request";
import { AppError } from "@/lib/errors";
import { json } from "@/lib/http/respond";
import { apiRoute } from "@/lib/http/route";
import { getMyQueue } from "@/lib/server/my-queue";

/** The manual items the signed-in person can sign now, across their projects, oldest first. */
export const GET = apiRoute<Record<string, never>>(async (request) => {
  const principal = await authenticate(request);
  if (principal.kind !== "user") throw new AppError("forbidden", "the queue is a signed-in person's, not an API token's");
  return json({ items: await getMyQueue(principal) }, 200, { "cache-control": "no-store" });
});
