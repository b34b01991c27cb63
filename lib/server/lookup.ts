// Finding projects and releases by the slugs and versions people and CI already use.
import { db, type Tx } from "@/lib/db/client";
import { prepared, runPrepared } from "@/lib/db/prepared";
import { notFound } from "@/lib/errors";

// PostgreSQL text cannot hold NUL, so a name with one (say `%00` in a URL) can't exist: 404, not a driver error.
export const holdsNul = (name: string) => name.includes("\u0000");

export async function findProject(slug: string, client: Tx = db()) {
  if (holdsNul(slug)) throw notFound(`project "${slug.replaceAll("\u0000", "\uFFFD")}"`);
  const project = await client.project.findUnique({
    where: { slug },
    include: { environments: { orderBy: { position: "asc" } } },
  });
  if (!project) throw notFound(`project "${slug}"`);
  return project;
}

export async function findRelease(projectId: string, version: string, client: Tx = db()) {
  if (holdsNul(version)) throw notFound(`release "${version.replaceAll("\u0000", "\uFFFD")}"`);
  const release = await client.release.findUnique({ where: { projectId_version: { projectId, version } } });
  if (!release) throw notFound(`release "${version}"`);
  return release;
}

type Row = Record<string, unknown>;
// Timestamps come back from to_jsonb as UTC without a zone (the columns hold UTC).
const instant = (value: unknown) => (typeof value === "string" ? new Date(`${value}Z`) : null);

/** A project with its environments and one of its releases, as findProject and findRelease return them. */
export type ProjectRelease = { project: Awaited<ReturnType<typeof findProject>>; release: Awaited<ReturnType<typeof findRelease>> };

/**
 * The columns of a project-and-release row (p and r), for statements that find both in one round
 * trip. JSON only, read alike by both drivers; projectReleaseOf turns them into what the
 * Prisma lookups return.
 */
export const PROJECT_RELEASE_COLUMNS = `to_jsonb(p) AS project, to_jsonb(r) AS release,
     (SELECT coalesce(jsonb_agg(to_jsonb(e) ORDER BY e.position), '[]') FROM "Environment" e WHERE e."projectId" = p.id) AS environments`;

export type ProjectReleaseRow = { project: Row; release: Row; environments: Row[] };

export function projectReleaseOf(row: ProjectReleaseRow): ProjectRelease {
  const project = { ...row.project, lockedAt: instant(row.project.lockedAt), createdAt: instant(row.project.createdAt), environments: row.environments };
  const release = { ...row.release, createdAt: instant(row.release.createdAt), updatedAt: instant(row.release.updatedAt) };
  return { project, release } as unknown as ProjectRelease;
}

/** `found` when it is that project's release (read with the token by authenticateCounted), else null. */
export function givenRelease(found: ProjectRelease | null | undefined, slug: string, version: string): ProjectRelease | null {
  return found && found.project.slug === slug && found.release.version === version ? found : null;
}

// Prepared (lib/db/prepared.ts): ingest asks it for every report it was not given the answer for.
const PROJECT_RELEASE = prepared(
  "project_release",
  `SELECT ${PROJECT_RELEASE_COLUMNS}
   FROM "Project" p JOIN "Release" r ON r."projectId" = p.id AND r.version = $2
   WHERE p.slug = $1`,
);

/**
 * A project with its environments and one of its releases in one round trip: for ingest, which
 * pays for every query on every report. Null when either is missing (or the names can't exist),
 * so the caller asks again the way that says which.
 */
export async function findProjectRelease(slug: string, version: string): Promise<ProjectRelease | null> {
  if (holdsNul(slug) || holdsNul(version)) return null;
  const [row] = await runPrepared<ProjectReleaseRow>(PROJECT_RELEASE, [slug, version]);
  return row ? projectReleaseOf(row) : null;
}
