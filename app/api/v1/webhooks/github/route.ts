// GitHub webhook: workflow_run, check_run and check_suite become results on the release built from
// the event's commit. No bearer token: the project is found by repository and the delivery is
// authenticated by X-Hub-Signature-256 (see lib/server/receive-github-webhook.ts).
import { readText } from "@/lib/http/body";
import { json } from "@/lib/http/respond";
import { apiRoute } from "@/lib/http/route";
import { assertGithubHeaders, receiveGithubWebhook } from "@/lib/server/receive-github-webhook";

export const dynamic = "force-dynamic";

const LIMIT = 25 * 1024 * 1024;

export const POST = apiRoute<Record<string, never>>(async (request, _params, meta) => {
  const headers = {
    event: request.headers.get("x-github-event"),
    deliveryId: request.headers.get("x-github-delivery"),
    signature: request.headers.get("x-hub-signature-256"),
    contentType: request.headers.get("content-type"),
  };
  assertGithubHeaders(headers);
  const body = await readText(request, LIMIT);
  const outcome = await receiveGithubWebhook(meta, { ...headers, body });
  return json(outcome.body, outcome.status);
});
