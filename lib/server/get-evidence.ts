// An evidence file, for readers of its project only, to be served back as a download.
import { authorize } from "@/lib/auth/permissions";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { ServerContext } from "./context";
import { findProject, findRelease } from "./lookup";

export async function getEvidence(ctx: ServerContext, projectSlug: string, version: string, evidenceId: string) {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "release:read");
  const release = await findRelease(project.id, version);
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(evidenceId)) throw new AppError("not_found", "evidence not found");
  const evidence = await db().evidence.findFirst({ where: { id: evidenceId, releaseId: release.id } });
  if (!evidence) throw new AppError("not_found", "evidence not found");
  return evidence;
}
