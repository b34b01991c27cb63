import { authenticate } from "@/lib/auth/request";
import { readJson } from "@/lib/http/body";
import { json } from "@/lib/http/respond";
import { apiRoute } from "@/lib/http/route";
import { createRelease } from "@/lib/server/create-release";
import { createReleaseSchema } from "@/lib/validation/admin";

export const POST = apiRoute<{ project: string }>(async (request, { project }, meta) => {
  const principal = await authenticate(request);
  const input = createReleaseSchema.parse(await readJson(request, 1024 * 1024));
  const release = await createRelease({ principal, ...meta }, project, input);
  const location = `/api/v1/projects/${encodeURIComponent(project)}/releases/${encodeURIComponent(release.version)}`;
  return json({ version: release.version, commit: release.commitSha, status: release.status }, 201, { location });
});
