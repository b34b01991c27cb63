import { authenticate } from "@/lib/auth/request";
import { readJson } from "@/lib/http/body";
import { json } from "@/lib/http/respond";
import { apiRoute } from "@/lib/http/route";
import { removeMember, setMemberRole } from "@/lib/server/members";
import { setMemberRoleSchema } from "@/lib/validation/members";

/** `{"role"}`: changes a member's role (a project keeps at least one admin). */
export const PATCH = apiRoute<{ project: string; userId: string }>(async (request, { project, userId }, meta) => {
  const principal = await authenticate(request);
  const input = setMemberRoleSchema.parse(await readJson(request, 16 * 1024));
  return json(await setMemberRole({ principal, ...meta }, project, userId, input.role));
});

export const DELETE = apiRoute<{ project: string; userId: string }>(async (request, { project, userId }, meta) => {
  const principal = await authenticate(request);
  return json(await removeMember({ principal, ...meta }, project, userId));
});
