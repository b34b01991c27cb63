import { authenticate } from "@/lib/auth/request";
import { json } from "@/lib/http/respond";
import { apiRoute } from "@/lib/http/route";
import { getResultHistory } from "@/lib/server/get-result-history";

/** `?key=<result key>`: its runs in this release and its latest outcome in earlier releases. */
export const GET = apiRoute<{ project: string; version: string }>(async (request, { project, version }, meta) => {
  const principal = await authenticate(request);
  const key = new URL(request.url).searchParams.get("key") ?? "";
  return json(await getResultHistory({ principal, ...meta }, project, version, key), 200, { "cache-control": "no-store" });
});
