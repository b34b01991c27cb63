import { authenticate } from "@/lib/auth/request";
import { issueSessionCookie } from "@/lib/auth/session-cookie";
import { readJson } from "@/lib/http/body";
import { json } from "@/lib/http/respond";
import { apiRoute } from "@/lib/http/route";
import { changePassword } from "@/lib/server/change-password";

/**
 * `{"currentPassword","newPassword"}`: changes the signed-in person's password. Every other
 * session ends; this one gets a new cookie (Set-Cookie) and stays signed in.
 */
export const POST = apiRoute<Record<string, never>>(async (request, _params, meta) => {
  const principal = await authenticate(request);
  const changed = await changePassword({ principal, ...meta }, await readJson(request, 16 * 1024));
  await issueSessionCookie(changed.user, changed.sessionVersion);
  return json({ userId: changed.user.id, passwordChanged: true, otherSessionsEnded: true }, 200, { "cache-control": "no-store" });
});
