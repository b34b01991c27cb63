import { authenticate } from "@/lib/auth/request";
import { clearSessionCookie } from "@/lib/auth/session-cookie";
import { json } from "@/lib/http/respond";
import { apiRoute } from "@/lib/http/route";
import { endOwnSessions } from "@/lib/server/end-user-sessions";

/** Signs the person out everywhere, this session included (its cookie is removed too). */
export const DELETE = apiRoute<Record<string, never>>(async (request, _params, meta) => {
  const principal = await authenticate(request);
  const ended = await endOwnSessions({ principal, ...meta });
  await clearSessionCookie();
  return json(ended, 200, { "cache-control": "no-store" });
});
