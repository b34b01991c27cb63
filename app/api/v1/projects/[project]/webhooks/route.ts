import { authenticate } from "@/lib/auth/request";
import { readJson } from "@/lib/http/body";
import { json } from "@/lib/http/respond";
import { apiRoute } from "@/lib/http/route";
import { createWebhook, listWebhooks } from "@/lib/server/webhooks";
import { createWebhookSchema } from "@/lib/validation/webhooks";

export const GET = apiRoute<{ project: string }>(async (request, { project }, meta) => {
  const principal = await authenticate(request);
  return json({ webhooks: await listWebhooks({ principal, ...meta }, project) });
});

/** `{"url","format"?,"events"?}`: the answer carries the signing secret, the only time it is shown. */
export const POST = apiRoute<{ project: string }>(async (request, { project }, meta) => {
  const principal = await authenticate(request);
  return json(await createWebhook({ principal, ...meta }, project, createWebhookSchema.parse(await readJson(request, 16 * 1024))), 201);
});
