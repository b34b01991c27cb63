// Every project the caller can see, with in-flight releases and their gate per environment.
import { roleIn } from "@/lib/auth/permissions";
import type { UserPrincipal } from "@/lib/auth/principal";
import { db } from "@/lib/db/client";
import type { GateDecision } from "@/lib/gate";
import { healthOf } from "./release-gates";

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
  return Promise.all(
    projects.map(async (project) => {
      const environments = project.environments.map((e) => e.name);
      const releases = await Promise.all(
        project.releases.map(async (release) => ({
          version: release.version,
          commitSha: release.commitSha,
          status: release.status,
          createdAt: release.createdAt.toISOString(),
          ...(await healthOf(release, environments)),
        })),
      );
      return { slug: project.slug, name: project.name, role: roleIn(principal, project.id) ?? "viewer", environments, releases };
    }),
  );
}
