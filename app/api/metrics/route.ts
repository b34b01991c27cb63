import { apiRoute } from "@/lib/http/route";
import { scrape } from "@/lib/metrics/scrape";

export const dynamic = "force-dynamic";

export const GET = apiRoute(async (request) => {
  const { body, contentType } = await scrape(request.headers.get("authorization"));
  return new Response(body, { status: 200, headers: { "content-type": contentType, "cache-control": "no-store" } });
});
