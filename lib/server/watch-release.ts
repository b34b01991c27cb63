// Who may watch a release live: whoever may read it. The stream carries only "something changed";
// what changed is read through GET, which checks access again.
import { authorize } from "@/lib/auth/permissions";
import type { Interest } from "@/lib/realtime/change";
import type { ServerContext } from "./context";
import { findProject, findRelease } from "./lookup";

export async function watchRelease(ctx: ServerContext, projectSlug: string, version: string): Promise<Interest> {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "release:read");
  const release = await findRelease(project.id, version);
  return { projectId: project.id, releaseId: release.id };
}
