import { authenticate } from "@/lib/auth/request";
import { readJson } from "@/lib/http/body";
import { json } from "@/lib/http/respond";
import { apiRoute } from "@/lib/http/route";
import { rejectItem } from "@/lib/server/reject-item";
import { rejectItemInputSchema } from "@/lib/validation/signoff";

/** Reject a manual item for an environment: `{"environment","reason"}`; the gate stays closed until a later sign-off. */
export const POST = apiRoute<{ project: string; version: string; itemKey: string }>(async (request, { project, version, itemKey }, meta) => {
  const principal = await authenticate(request);
  const input = rejectItemInputSchema.parse(await readJson(request, 64 * 1024));
  return json(await rejectItem({ principal, ...meta }, project, version, itemKey, input), 201);
});
