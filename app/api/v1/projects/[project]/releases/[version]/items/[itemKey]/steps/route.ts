import { authenticate } from "@/lib/auth/request";
import { readJson } from "@/lib/http/body";
import { json } from "@/lib/http/respond";
import { apiRoute } from "@/lib/http/route";
import { tickStep } from "@/lib/server/tick-step";
import { tickStepInputSchema } from "@/lib/validation/signoff";

/** Tick (`done: true`) or untick one sub-step of a manual item: `{"environment","step":0,"done":true}`. */
export const POST = apiRoute<{ project: string; version: string; itemKey: string }>(async (request, { project, version, itemKey }, meta) => {
  const principal = await authenticate(request);
  const input = tickStepInputSchema.parse(await readJson(request, 16 * 1024));
  return json(await tickStep({ principal, ...meta }, project, version, itemKey, input));
});
