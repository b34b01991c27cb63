import { authenticate } from "@/lib/auth/request";
import { json } from "@/lib/http/respond";
import { apiRoute } from "@/lib/http/route";
import { listDeliveries } from "@/lib/server/webhooks";

/** The endpoint's latest deliveries, newest first, each with its attempts. */
export const GET = apiRoute<{ project: string; webhookId: string }>(async (request, { project, webhookId }, meta) => {
  const principal = await authenticate(request);
  return json({ deliveries: await listDeliveries({ principal, ...meta }, project, webhookId) }, 200, { "cache-control": "no-store" });
});
