import { authenticate } from "@/lib/auth/request";
import { json } from "@/lib/http/respond";
import { apiRoute } from "@/lib/http/route";
import { redeliver } from "@/lib/server/webhooks";

/** Queues the delivery again now, same webhook-id and payload. */
export const POST = apiRoute<{ project: string; webhookId: string; deliveryId: string }>(async (request, { project, webhookId, deliveryId }, meta) => {
  const principal = await authenticate(request);
  return json(await redeliver({ principal, ...meta }, project, webhookId, deliveryId), 202);
});
