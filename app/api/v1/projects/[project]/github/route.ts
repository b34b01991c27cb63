// The project's linked GitHub repository over the API: the same use case as the Settings page.
// The webhook secret and the App's private key are write-only: the answer says only whether set.
import { authenticate } from "@/lib/auth/request";
import { readJson } from "@/lib/http/body";
import { json } from "@/lib/http/respond";
import { apiRoute } from "@/lib/http/route";
import { AppError } from "@/lib/errors";
import { setGithubLink } from "@/lib/server/set-github-link";

/** `{"repository","secret"?,"appId"?,"privateKey"?}`. Project admins. */
export const PUT = apiRoute<{ project: string }>(async (request, { project }, meta) => {
  const principal = await authenticate(request);
  const body = await readJson(request, 64 * 1024);
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new AppError("bad_request", "the body must be a JSON object");
  if ((body as { repository?: unknown }).repository === null) {
    throw new AppError("validation_failed", "to unlink the repository, DELETE this address", [{ path: "repository", message: "required" }]);
  }
  return json(await setGithubLink({ principal, ...meta }, project, body));
});

/** Unlinks the repository and forgets its webhook secret and App. */
export const DELETE = apiRoute<{ project: string }>(async (request, { project }, meta) => {
  const principal = await authenticate(request);
  return json(await setGithubLink({ principal, ...meta }, project, { repository: null }));
});
