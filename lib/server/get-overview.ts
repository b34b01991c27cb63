// Every project the caller can see, with in-flight releases and their gate per environment.
import { roleIn } from "@/lib/auth/permissions";
import type { UserPrincipal } from "@/lib/auth/principal";
import { db } from "@/lib/db/client";
import type { GateDecision } from "@/lib/gate";
import { currentHealth } from "./gate-state";

export type OverviewProject = {
  slug: string;
  name: string;
  role: string;
  environments: string[];
  releases: { version: string; commitSha: string; status: string; createdAt: string; gates: GateDecision[]; rollbackRecommended: string[] }[];
};

const RECENT_RELEASES = 10;

export async function getOverview(principal: UserPrincipal): Promise<OverviewProject[]> {
  const projects = await db().project.findMany({
    where: principal.user.isAdmin ? {} : { memberships: { some: { userId: principal.user.id } } },
    include: {
      environments: { orderBy: { position: "asc" } },
      releases: { where: { status: { not: "abandoned" } }, orderBy: { createdAt: "desc" }, take: RECENT_RELEASES },
    },
    orderBy: { slug: "asc" },
  });
  const environmentsOf = new Map(projects.map((p) => [p.id, p.environments.map((e) => e.name)]));
  // One read for every release shown; only those changed since their gates were stored are evaluated.
  const health = await currentHealth(
    projects.flatMap((p) => p.releases),
    (release) => environmentsOf.get(release.projectId)!,
  );
  return projects.map((project) => ({
    slug: project.slug,
    name: project.name,
    role: roleIn(principal, project.id) ?? "viewer",
    environments: environmentsOf.get(project.id)!,
    releases: project.releases.map((release) => ({
      version: release.version,
      commitSha: release.commitSha,
      status: release.status,
      createdAt: release.createdAt.toISOString(),
      gates: health.get(release.id)!.gates,
      rollbackRecommended: health.get(release.id)!.rollbackRecommended,
    })),
  }));
}
