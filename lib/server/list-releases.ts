// A project's releases, newest first, optionally by status and by where they were deployed, with
// each environment's gate and deploy state.
import type { ReleaseStatus } from "@/generated/prisma/enums";
import { authorize, roleIn } from "@/lib/auth/permissions";
import { db } from "@/lib/db/client";
import type { GateDecision } from "@/lib/gate";
import type { ServerContext } from "./context";
import { currentHealth } from "./gate-state";
import { findProject } from "./lookup";

export const RELEASE_STATUSES = ["in_progress", "ready", "deployed", "rolled_back", "abandoned"] as const satisfies readonly ReleaseStatus[];

/** Where a release stands on one environment: its gate, and whether it was deployed there (and rolled back since). */
export type EnvironmentStanding = { environment: string; gate: GateDecision; deployedAt: string | null; rolledBackAt: string | null };

export type ReleaseSummary = {
  version: string;
  commitSha: string;
  status: string;
  createdAt: string;
  template: string;
  templateVersion: number;
  gates: GateDecision[];
  environments: EnvironmentStanding[];
  rollbackRecommended: string[];
};

export type ReleaseListFilter = { status?: ReleaseStatus; deployedTo?: string; notDeployedTo?: string };

export async function listReleases(ctx: ServerContext, projectSlug: string, filter: ReleaseListFilter = {}, limit = 50) {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "release:read");
  const environments = project.environments.map((e) => e.name);
  // An environment the project does not have was deployed to by nothing: no error, just no match.
  const deployedTo = async (environment: string) => {
    const rows = await db().deployment.findMany({ where: { projectId: project.id, environment }, select: { releaseId: true }, distinct: ["releaseId"] });
    return rows.map((r) => r.releaseId);
  };
  const idIn = filter.deployedTo ? await deployedTo(filter.deployedTo) : null;
  const idNotIn = filter.notDeployedTo ? await deployedTo(filter.notDeployedTo) : null;
  const releases = await db().release.findMany({
    where: {
      projectId: project.id,
      ...(filter.status ? { status: filter.status } : {}),
      ...(idIn || idNotIn ? { id: { ...(idIn ? { in: idIn } : {}), ...(idNotIn ? { notIn: idNotIn } : {}) } } : {}),
    },
    include: { templateVersion: { include: { template: { select: { name: true } } } } },
    orderBy: { createdAt: "desc" },
    take: limit,
  });
  const ids = releases.map((r) => r.id);
  const [health, deployments, rollbacks] = await Promise.all([
    currentHealth(releases, () => environments),
    db().deployment.findMany({ where: { releaseId: { in: ids } }, select: { releaseId: true, environment: true, deployedAt: true } }),
    db().rollbackDecision.findMany({ where: { releaseId: { in: ids }, decision: "rolled_back" }, select: { releaseId: true, environment: true, createdAt: true } }),
  ]);
  const latest = (rows: { releaseId: string; environment: string; at: Date }[], releaseId: string, environment: string) =>
    rows.filter((r) => r.releaseId === releaseId && r.environment === environment).reduce<Date | null>((last, r) => (last && last > r.at ? last : r.at), null);
  const deployed = deployments.map((d) => ({ ...d, at: d.deployedAt }));
  const rolledBack = rollbacks.map((d) => ({ ...d, at: d.createdAt }));

  const summaries: ReleaseSummary[] = releases.map((release) => {
    const { gates, rollbackRecommended } = health.get(release.id)!;
    return {
      version: release.version,
      commitSha: release.commitSha,
      status: release.status,
      createdAt: release.createdAt.toISOString(),
      template: release.templateVersion.template.name,
      templateVersion: release.templateVersion.version,
      gates,
      environments: gates.map((gate) => {
        const deployedAt = latest(deployed, release.id, gate.environment);
        const rolledBackAt = latest(rolledBack, release.id, gate.environment);
        // A rollback counts only if it came after the release's latest deploy there.
        return { environment: gate.environment, gate, deployedAt: deployedAt?.toISOString() ?? null, rolledBackAt: rolledBackAt && deployedAt && rolledBackAt >= deployedAt ? rolledBackAt.toISOString() : null };
      }),
      rollbackRecommended,
    };
  });
  return { project: { slug: project.slug, name: project.name, environments }, role: roleIn(ctx.principal, project.id), releases: summaries };
}
