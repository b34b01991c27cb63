import { authenticate } from "@/lib/auth/request";
import { readJson } from "@/lib/http/body";
import { json } from "@/lib/http/respond";
import { apiRoute } from "@/lib/http/route";
import { recordRollbackDecision } from "@/lib/server/rollback-decision";
import { rollbackDecisionInputSchema } from "@/lib/validation/release";

/** `{"environment","decision":"rolled_back"|"keep","toVersion"?,"reason"}` after a deploy. */
export const POST = apiRoute<{ project: string; version: string }>(async (request, { project, version }, meta) => {
  const principal = await authenticate(request);
  const input = rollbackDecisionInputSchema.parse(await readJson(request, 16 * 1024));
  return json(await recordRollbackDecision({ principal, ...meta }, project, version, input), 201);
});
