import { authenticate } from "@/lib/auth/request";
import { json } from "@/lib/http/respond";
import { apiRoute } from "@/lib/http/route";
import { deleteWebhook } from "@/lib/server/webhooks";

/** Deletes the endpoint and its deliveries: nothing more is sent there. */
export const DELETE = apiRoute<{ project: string; webhookId: string }>(async (request, { project, webhookId }, meta) => {
  const principal = await authenticate(request);
  return json(await deleteWebhook({ principal, ...meta }, project, webhookId));
});
