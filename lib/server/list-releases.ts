// A project's releases, newest first, optionally by status and by where they were deployed, with
// each environment's gate and deploy state.
import type { ReleaseStatus } from "@/generated/prisma/enums";
import { authorize, roleIn } from "@/lib/auth/permissions";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { GateDecision } from "@/lib/gate";
import type { ServerContext } from "./context";
import { currentHealth } from "./gate-state";
import { findProject } from "./lookup";

export { RELEASE_STATUSES } from "@/lib/validation/release-list";

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

/** Where a page ended: the last release's creation time and id (ties on time are broken by id). */
type Cursor = { createdAt: Date; id: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function encodeCursor(at: Cursor): string {
  return Buffer.from(`${at.createdAt.toISOString()}|${at.id}`).toString("base64url");
}

function decodeCursor(cursor: string): Cursor {
  const [time, id, ...rest] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const createdAt = new Date(time ?? "");
  if (rest.length || !id || !UUID.test(id) || Number.isNaN(createdAt.getTime())) {
    throw new AppError("bad_request", "the cursor is not one this API gave out: pass `nextCursor` from the previous page as it is");
  }
  return { createdAt, id };
}

export async function listReleases(ctx: ServerContext, projectSlug: string, filter: ReleaseListFilter = {}, limit = 50, cursor?: string) {
  const after = cursor ? decodeCursor(cursor) : null;
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
      ...(after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {}),
    },
    include: { templateVersion: { include: { template: { select: { name: true } } } } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    // One more than asked: whether there is a next page, without counting.
    take: limit + 1,
  });
  const more = releases.length > limit;
  if (more) releases.pop();
  const last = releases.at(-1);
  const nextCursor = more && last ? encodeCursor(last) : null;
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
  return { project: { slug: project.slug, name: project.name, environments }, role: roleIn(ctx.principal, project.id), releases: summaries, nextCursor };
}
