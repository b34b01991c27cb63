import { authenticate } from "@/lib/auth/request";
import { readJson } from "@/lib/http/body";
import { matchesTag, notModified, REVALIDATE } from "@/lib/http/etag";
import { json } from "@/lib/http/respond";
import { apiRoute } from "@/lib/http/route";
import { getReleaseState, releaseStateTag } from "@/lib/server/get-release-state";
import { updateReleaseCommit } from "@/lib/server/update-release-commit";
import { updateReleaseSchema } from "@/lib/validation/release";

export const GET = apiRoute<{ project: string; version: string }>(async (request, { project, version }, meta) => {
  const principal = await authenticate(request);
  const ctx = { principal, ...meta };
  // The tag is read before the state, so a change in between can only make the tag older than the body.
  const etag = await releaseStateTag(ctx, project, version);
  if (matchesTag(request.headers.get("if-none-match"), etag)) return notModified(etag);
  return json(await getReleaseState(ctx, project, version), 200, { etag, "cache-control": REVALIDATE });
});

/** A rebuild: `{"commit":"<sha>"}`. Earlier sign-offs and results stop counting. */
export const PATCH = apiRoute<{ project: string; version: string }>(async (request, { project, version }, meta) => {
  const principal = await authenticate(request);
  const input = updateReleaseSchema.parse(await readJson(request, 16 * 1024));
  return json(await updateReleaseCommit({ principal, ...meta }, project, version, input));
});
