// Finding projects and releases by the slugs and versions people and CI already use.
import { db, type Tx } from "@/lib/db/client";
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
