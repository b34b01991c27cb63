import { authenticate } from "@/lib/auth/request";
import { readJson } from "@/lib/http/body";
import { json } from "@/lib/http/respond";
import { apiRoute } from "@/lib/http/route";
import { assignItem, unassignItem } from "@/lib/server/assign-item";
import { assignItemInputSchema } from "@/lib/validation/signoff";

type Params = { project: string; version: string; itemKey: string };

/** Assign a manual item to a member who may sign it: `{"userId"}`. */
export const PUT = apiRoute<Params>(async (request, { project, version, itemKey }, meta) => {
  const principal = await authenticate(request);
  const input = assignItemInputSchema.parse(await readJson(request, 16 * 1024));
  return json(await assignItem({ principal, ...meta }, project, version, itemKey, input));
});

/** Nobody in particular is expected to do the item any more. */
export const DELETE = apiRoute<Params>(async (request, { project, version, itemKey }, meta) => {
  const principal = await authenticate(request);
  return json(await unassignItem({ principal, ...meta }, project, version, itemKey));
});
