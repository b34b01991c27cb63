// The projects the caller can see, the most recently active first, a page at a time, each with
// its newest in-flight releases and a summary of their gate per environment.
import { Prisma } from "@/generated/prisma/client";
import { roleIn } from "@/lib/auth/permissions";
import type { UserPrincipal } from "@/lib/auth/principal";
import { db } from "@/lib/db/client";
import type { GateSummary } from "@/lib/gate";
import { currentGateSummaries } from "./gate-state";

export type OverviewRelease = { version: string; commitSha: string; status: string; createdAt: string; gates: GateSummary[]; rollbackRecommended: string[] };

export type OverviewProject = {
  slug: string;
  name: string;
  role: string;
  environments: string[];
  releases: OverviewRelease[];
  /** In-flight releases beyond those shown (the project's page lists them all). */
  moreReleases: number;
};

export type Overview = { projects: OverviewProject[]; page: number; pages: number; totalProjects: number };

/** A page shows this many projects and this many releases of each: what a person takes in at a glance. */
export const OVERVIEW_PAGE_SIZE = 20;
export const OVERVIEW_RELEASES = 5;

const IN_FLIGHT = { status: { not: "abandoned" as const } };

export async function getOverview(principal: UserPrincipal, options: { page?: number } = {}): Promise<Overview> {
  const visible = principal.user.isAdmin
    ? Prisma.sql`TRUE`
    : Prisma.sql`EXISTS (SELECT 1 FROM "Membership" m WHERE m."projectId" = p.id AND m."userId" = ${principal.user.id}::uuid)`;
  const [counted] = await db().$queryRaw<{ total: number }[]>`SELECT count(*)::int AS total FROM "Project" p WHERE ${visible}`;
  const total = counted?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / OVERVIEW_PAGE_SIZE));
  const page = Math.min(Math.max(1, Math.trunc(options.page ?? 1) || 1), pages);
  // Most recent activity first: the project whose newest release is newest, then the others by slug.
  const ids = await db().$queryRaw<{ id: string }[]>`
    SELECT p.id FROM "Project" p
    WHERE ${visible}
    ORDER BY (SELECT max(r."createdAt") FROM "Release" r WHERE r."projectId" = p.id) DESC NULLS LAST, p.slug
    LIMIT ${OVERVIEW_PAGE_SIZE} OFFSET ${(page - 1) * OVERVIEW_PAGE_SIZE}`;
  const found = await db().project.findMany({
    where: { id: { in: ids.map((row) => row.id) } },
    include: {
      environments: { orderBy: { position: "asc" } },
      releases: { where: IN_FLIGHT, orderBy: { createdAt: "desc" }, take: OVERVIEW_RELEASES },
      _count: { select: { releases: { where: IN_FLIGHT } } },
    },
  });
  const byId = new Map(found.map((p) => [p.id, p]));
  const projects = ids.flatMap((row) => byId.get(row.id) ?? []);
  const environmentsOf = new Map(projects.map((p) => [p.id, p.environments.map((e) => e.name)]));
  // One read for every release shown, cut to summaries by the database; only those changed since
  // their gates were stored are evaluated.
  const health = await currentGateSummaries(
    projects.flatMap((p) => p.releases),
    (release) => environmentsOf.get(release.projectId)!,
  );
  return {
    page,
    pages,
    totalProjects: total,
    projects: projects.map((project) => ({
      slug: project.slug,
      name: project.name,
      role: roleIn(principal, project.id) ?? "viewer",
      environments: environmentsOf.get(project.id)!,
      moreReleases: project._count.releases - project.releases.length,
      releases: project.releases.map((release) => ({
        version: release.version,
        commitSha: release.commitSha,
        status: release.status,
        createdAt: release.createdAt.toISOString(),
        gates: health.get(release.id)!.gates,
        rollbackRecommended: health.get(release.id)!.rollbackRecommended,
      })),
    })),
  };
}
