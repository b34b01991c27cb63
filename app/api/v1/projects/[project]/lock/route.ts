import { authenticate } from "@/lib/auth/request";
import { readJson } from "@/lib/http/body";
import { json } from "@/lib/http/respond";
import { apiRoute } from "@/lib/http/route";
import { lockProject, unlockProject } from "@/lib/server/project-lock";
import { projectLockInputSchema } from "@/lib/validation/release";

/** Locks deploys of the whole project: `{"reason"}`. Every gate of every release closes ("locked"). */
export const POST = apiRoute<{ project: string }>(async (request, { project }, meta) => {
  const principal = await authenticate(request);
  const input = projectLockInputSchema.parse(await readJson(request, 16 * 1024));
  return json(await lockProject({ principal, ...meta }, project, input), 201);
});

/** Lifts the deploy lock. */
export const DELETE = apiRoute<{ project: string }>(async (request, { project }, meta) => {
  const principal = await authenticate(request);
  return json(await unlockProject({ principal, ...meta }, project));
});
