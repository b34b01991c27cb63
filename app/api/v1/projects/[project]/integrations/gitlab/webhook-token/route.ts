import { authenticate } from "@/lib/auth/request";
import { json } from "@/lib/http/respond";
import { apiRoute } from "@/lib/http/route";
import { rotateGitlabWebhookToken } from "@/lib/integrations/gitlab/link";

/** A new webhook secret token, shown this once; the old one stops working at once. */
export const POST = apiRoute<{ project: string }>(async (request, { project }, meta) => {
  const principal = await authenticate(request);
  return json(await rotateGitlabWebhookToken({ principal, ...meta }, project), 201);
});
