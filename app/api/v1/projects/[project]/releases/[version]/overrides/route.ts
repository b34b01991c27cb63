import { authenticate } from "@/lib/auth/request";
import { readJson } from "@/lib/http/body";
import { json } from "@/lib/http/respond";
import { apiRoute } from "@/lib/http/route";
import { overrideGate } from "@/lib/server/gate-override";
import { gateOverrideInputSchema } from "@/lib/validation/release";

/** An administrator opens a closed gate: `{"environment","reason"}` (reason at least 10 characters). */
export const POST = apiRoute<{ project: string; version: string }>(async (request, { project, version }, meta) => {
  const principal = await authenticate(request);
  const input = gateOverrideInputSchema.parse(await readJson(request, 16 * 1024));
  return json(await overrideGate({ principal, ...meta }, project, version, input), 201);
});
