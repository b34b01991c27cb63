import { authenticate } from "@/lib/auth/request";
import { readJson } from "@/lib/http/body";
import { json } from "@/lib/http/respond";
import { apiRoute } from "@/lib/http/route";
import { getPrometheusSource, setPrometheusSource } from "@/lib/server/prometheus-source";

/** The project's Prometheus: its URL and whether a bearer token is set (never the token). */
export const GET = apiRoute<{ project: string }>(async (request, { project }, meta) => {
  const principal = await authenticate(request);
  return json(await getPrometheusSource({ principal, ...meta }, project));
});

/** `{"url","bearerToken"?}`: bearerToken left out keeps the one set, null removes it; url null removes both. */
export const PUT = apiRoute<{ project: string }>(async (request, { project }, meta) => {
  const principal = await authenticate(request);
  return json(await setPrometheusSource({ principal, ...meta }, project, await readJson(request, 16 * 1024)));
});
