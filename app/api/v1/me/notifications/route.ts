import type { UserPrincipal } from "@/lib/auth/principal";
import { authenticate } from "@/lib/auth/request";
import { AppError } from "@/lib/errors";
import { readJson } from "@/lib/http/body";
import { json } from "@/lib/http/respond";
import { apiRoute } from "@/lib/http/route";
import { getNotificationPreferences, setNotificationPreferences } from "@/lib/server/notification-preferences";

async function person(request: Request): Promise<UserPrincipal> {
  const principal = await authenticate(request);
  if (principal.kind !== "user") throw new AppError("forbidden", "notification choices are a signed-in person's, not an API token's");
  return principal;
}

/** Which notifications the signed-in person gets by email. */
export const GET = apiRoute<Record<string, never>>(async (request) => json(await getNotificationPreferences(await person(request)), 200, { "cache-control": "no-store" }));

/** `{"optOut":["gate.closed",…]}`: the types this person does not want by email. */
export const PUT = apiRoute<Record<string, never>>(async (request, _params, meta) => {
  const principal = await person(request);
  return json(await setNotificationPreferences({ principal, ...meta }, await readJson(request, 16 * 1024)));
});
