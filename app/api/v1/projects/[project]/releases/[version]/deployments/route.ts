import { authenticate } from "@/lib/auth/request";
import { readJson } from "@/lib/http/body";
import { json } from "@/lib/http/respond";
import { apiRoute } from "@/lib/http/route";
import { recordDeployment } from "@/lib/server/record-deployment";
import { deploymentInputSchema } from "@/lib/validation/deployment";

/** Records that the release went out to an environment; 409 with the reasons when its gate is closed. */
export const POST = apiRoute<{ project: string; version: string }>(async (request, { project, version }, meta) => {
  const principal = await authenticate(request);
  const input = deploymentInputSchema.parse(await readJson(request, 16 * 1024));
  return json(await recordDeployment({ principal, ...meta }, project, version, input.environment), 201);
});
