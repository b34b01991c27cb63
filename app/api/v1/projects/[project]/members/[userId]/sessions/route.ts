import { authenticate } from "@/lib/auth/request";
import { json } from "@/lib/http/respond";
import { apiRoute } from "@/lib/http/route";
import { endMemberSessions } from "@/lib/server/end-user-sessions";

/** Project admins: signs a member out everywhere (every session of theirs ends at once). */
export const DELETE = apiRoute<{ project: string; userId: string }>(async (request, { project, userId }, meta) => {
  const principal = await authenticate(request);
  return json(await endMemberSessions({ principal, ...meta }, project, userId));
});
