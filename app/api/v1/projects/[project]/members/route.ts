import { authenticate } from "@/lib/auth/request";
import { readJson } from "@/lib/http/body";
import { json } from "@/lib/http/respond";
import { apiRoute } from "@/lib/http/route";
import { addMember, listMembers } from "@/lib/server/members";
import { addMemberSchema } from "@/lib/validation/members";

export const GET = apiRoute<{ project: string }>(async (request, { project }, meta) => {
  const principal = await authenticate(request);
  return json({ members: await listMembers({ principal, ...meta }, project) });
});

/** `{"email","role"}`: adds an existing person (instance admins may create the account). */
export const POST = apiRoute<{ project: string }>(async (request, { project }, meta) => {
  const principal = await authenticate(request);
  const input = addMemberSchema.parse(await readJson(request, 16 * 1024));
  return json(await addMember({ principal, ...meta }, project, input), 201);
});
