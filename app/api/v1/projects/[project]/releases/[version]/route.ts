import { authenticate } from "@/lib/auth/request";
import { readJson } from "@/lib/http/body";
import { json } from "@/lib/http/respond";
import { apiRoute } from "@/lib/http/route";
import { getReleaseState } from "@/lib/server/get-release-state";
import { updateReleaseCommit } from "@/lib/server/update-release-commit";
import { updateReleaseSchema } from "@/lib/validation/release";

export const GET = apiRoute<{ project: string; version: string }>(async (request, { project, version }, meta) => {
  const principal = await authenticate(request);
  return json(await getReleaseState({ principal, ...meta }, project, version), 200, { "cache-control": "no-store" });
});

/** A rebuild: `{"commit":"<sha>"}`. Earlier sign-offs and results stop counting. */
export const PATCH = apiRoute<{ project: string; version: string }>(async (request, { project, version }, meta) => {
  const principal = await authenticate(request);
  const input = updateReleaseSchema.parse(await readJson(request, 16 * 1024));
  return json(await updateReleaseCommit({ principal, ...meta }, project, version, input));
});
