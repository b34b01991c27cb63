// GitLab webhook: Deployment events of a protected environment that names Shipcheck's GitLab user
// as an approver. No bearer token: the project is found by the payload's project.id and the
// delivery is authenticated by X-Gitlab-Token (see lib/integrations/gitlab/receive.ts).
import { readJson } from "@/lib/http/body";
import { json } from "@/lib/http/respond";
import { apiRoute } from "@/lib/http/route";
import { assertGitlabHeaders, receiveGitlabWebhook } from "@/lib/integrations/gitlab/receive";

export const dynamic = "force-dynamic";

const LIMIT = 1024 * 1024;

export const POST = apiRoute<Record<string, never>>(async (request, _params, meta) => {
  const headers = {
    event: request.headers.get("x-gitlab-event"),
    token: request.headers.get("x-gitlab-token"),
    deliveryId: request.headers.get("idempotency-key") ?? request.headers.get("x-gitlab-event-uuid"),
  };
  assertGitlabHeaders(headers);
  const body = await readJson(request, LIMIT);
  const outcome = await receiveGitlabWebhook(meta, { ...headers, body });
  return json(outcome.body, outcome.status);
});
