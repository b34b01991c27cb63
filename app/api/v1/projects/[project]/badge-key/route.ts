// The project's public badge key (project admins): whether there is one, a new one (shown once,
// with the badge addresses and Markdown), removal.
import { authenticate } from "@/lib/auth/request";
import { json } from "@/lib/http/respond";
import { apiRoute } from "@/lib/http/route";
import { createBadgeKey, getBadgeKey, removeBadgeKey } from "@/lib/server/badge-keys";

export const GET = apiRoute<{ project: string }>(async (request, { project }, meta) => {
  const principal = await authenticate(request);
  return json(await getBadgeKey({ principal, ...meta }, project));
});

/** Creates the key, or rotates it: the old key's badges stop working at once. */
export const POST = apiRoute<{ project: string }>(async (request, { project }, meta) => {
  const principal = await authenticate(request);
  return json(await createBadgeKey({ principal, ...meta }, project), 201);
});

export const DELETE = apiRoute<{ project: string }>(async (request, { project }, meta) => {
  const principal = await authenticate(request);
  return json(await removeBadgeKey({ principal, ...meta }, project));
});
