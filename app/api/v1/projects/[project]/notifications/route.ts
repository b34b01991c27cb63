import { authenticate } from "@/lib/auth/request";
import { readJson } from "@/lib/http/body";
import { json } from "@/lib/http/respond";
import { apiRoute } from "@/lib/http/route";
import { getEmailNotifications, setEmailNotifications } from "@/lib/server/email-notifications";

/** Whether the project's notifications are emailed to the members who can act. */
export const GET = apiRoute<{ project: string }>(async (request, { project }, meta) => {
  const principal = await authenticate(request);
  return json(await getEmailNotifications({ principal, ...meta }, project));
});

/** `{"email":true|false}`. */
export const PUT = apiRoute<{ project: string }>(async (request, { project }, meta) => {
  const principal = await authenticate(request);
  return json(await setEmailNotifications({ principal, ...meta }, project, await readJson(request, 16 * 1024)));
});
