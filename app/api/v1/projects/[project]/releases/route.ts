import { authenticate } from "@/lib/auth/request";
import { readJson } from "@/lib/http/body";
import { json } from "@/lib/http/respond";
import { apiRoute } from "@/lib/http/route";
import { createRelease } from "@/lib/server/create-release";
import { listReleases } from "@/lib/server/list-releases";
import { createReleaseSchema } from "@/lib/validation/admin";
import { releaseListQuerySchema } from "@/lib/validation/release-list";

/** Newest first, a page at a time: `nextCursor` (and a `Link: rel="next"`) until the last page. */
export const GET = apiRoute<{ project: string }>(async (request, { project }, meta) => {
  const principal = await authenticate(request);
  const url = new URL(request.url);
  const { limit, cursor, ...filter } = releaseListQuerySchema.parse(Object.fromEntries(url.searchParams));
  const page = await listReleases({ principal, ...meta }, project, filter, limit, cursor);
  const headers: Record<string, string> = {};
  if (page.nextCursor) {
    const next = new URLSearchParams(url.searchParams);
    next.set("cursor", page.nextCursor);
    headers.link = `<${url.pathname}?${next.toString()}>; rel="next"`;
  }
  return json({ project: page.project, releases: page.releases, nextCursor: page.nextCursor }, 200, headers);
});

export const POST = apiRoute<{ project: string }>(async (request, { project }, meta) => {
  const principal = await authenticate(request);
  const input = createReleaseSchema.parse(await readJson(request, 1024 * 1024));
  const release = await createRelease({ principal, ...meta }, project, input);
  const location = `/api/v1/projects/${encodeURIComponent(project)}/releases/${encodeURIComponent(release.version)}`;
  return json({ version: release.version, commit: release.commitSha, status: release.status }, 201, { location });
});
