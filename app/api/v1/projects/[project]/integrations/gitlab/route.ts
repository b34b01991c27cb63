// The project's GitLab link (project admins): read, set, remove. The access token is write-only.
import { authenticate } from "@/lib/auth/request";
import { readJson } from "@/lib/http/body";
import { json } from "@/lib/http/respond";
import { apiRoute } from "@/lib/http/route";
import { getGitlabLink, removeGitlabLink, setGitlabLink, setGitlabLinkSchema } from "@/lib/integrations/gitlab/link";

export const GET = apiRoute<{ project: string }>(async (request, { project }, meta) => {
  const principal = await authenticate(request);
  return json(await getGitlabLink({ principal, ...meta }, project));
});

/** `{"baseUrl","projectId","accessToken"?}`; a new link's answer (201) carries the webhook secret token, the only time it is shown. */
export const PUT = apiRoute<{ project: string }>(async (request, { project }, meta) => {
  const principal = await authenticate(request);
  const saved = await setGitlabLink({ principal, ...meta }, project, setGitlabLinkSchema.parse(await readJson(request, 16 * 1024)));
  return json(saved, saved.webhookToken ? 201 : 200);
});

export const DELETE = apiRoute<{ project: string }>(async (request, { project }, meta) => {
  const principal = await authenticate(request);
  await removeGitlabLink({ principal, ...meta }, project);
  return json({ project, linked: false });
});
