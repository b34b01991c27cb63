import { authenticate } from "@/lib/auth/request";
import { readJson } from "@/lib/http/body";
import { json } from "@/lib/http/respond";
import { apiRoute } from "@/lib/http/route";
import { recordResults } from "@/lib/server/record-results";
import { resultsPayloadSchema } from "@/lib/validation/results";

const LIMIT = 25 * 1024 * 1024;

export const POST = apiRoute<{ project: string; version: string }>(async (request, { project, version }, meta) => {
  const principal = await authenticate(request);
  const payload = resultsPayloadSchema.parse(await readJson(request, LIMIT));
  return json(await recordResults({ principal, ...meta }, project, version, payload), 201);
});
