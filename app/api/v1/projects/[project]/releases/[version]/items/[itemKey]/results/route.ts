import { authenticate } from "@/lib/auth/request";
import { json } from "@/lib/http/respond";
import { apiRoute } from "@/lib/http/route";
import { getItemResults } from "@/lib/server/item-results";
import { itemResultsQuerySchema } from "@/lib/validation/item-results";

/** `?environment=<name>[&offset=0&limit=100&status=failed]`: a check item's matching results, a page at a time. */
export const GET = apiRoute<{ project: string; version: string; itemKey: string }>(async (request, { project, version, itemKey }, meta) => {
  const principal = await authenticate(request);
  const query = itemResultsQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return json(await getItemResults({ principal, ...meta }, project, version, itemKey, query), 200, { "cache-control": "no-store" });
});
