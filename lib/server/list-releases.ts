// A project's releases, newest first, optionally by status, with each environment's gate.
import type { ReleaseStatus } from "@/generated/prisma/enums";
import { authorize, roleIn } from "@/lib/auth/permissions";
import { db } from "@/lib/db/client";
import type { GateDecision } from "@/lib/gate";
import type { ServerContext } from "./context";
import { currentHealth } from "./gate-state";
import { findProject } from "./lookup";

export const RELEASE_STATUSES = ["in_progress", "ready", "deployed", "rolled_back", "abandoned"] as const satisfies readonly ReleaseStatus[];

export type ReleaseSummary = { version: string; commitSha: string; status: string; createdAt: string; template: string; templateVersion: number; gates: GateDecision[]; rollbackRecommended: string[] };

export async function listReleases(ctx: ServerContext, projectSlug: string, status?: ReleaseStatus, limit = 50) {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "release:read");
  const environments = project.environments.map((e) => e.name);
  const releases = await db().release.findMany({
    where: { projectId: project.id, ...(status ? { status } : {}) },
    include: { templateVersion: { include: { template: { select: { name: true } } } } },
    orderBy: { createdAt: "desc" },
    take: limit,
  });
  const health = await currentHealth(releases, () => environments);
  const summaries: ReleaseSummary[] = releases.map((release) => ({
      version: release.version,
      commitSha: release.commitSha,
      status: release.status,
      createdAt: release.createdAt.toISOString(),
      template: release.templateVersion.template.name,
      templateVersion: release.templateVersion.version,
      gates: health.get(release.id)!.gates,
      rollbackRecommended: health.get(release.id)!.rollbackRecommended,
  }));
  return { project: { slug: project.slug, name: project.name, environments }, role: roleIn(ctx.principal, project.id), releases: summaries };
}
