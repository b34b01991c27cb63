// Finding projects and releases by the slugs and versions people and CI already use.
import { db, type Tx } from "@/lib/db/client";
import { notFound } from "@/lib/errors";

export async function findProject(slug: string, client: Tx = db()) {
  const project = await client.project.findUnique({
    where: { slug },
    include: { environments: { orderBy: { position: "asc" } } },
  });
  if (!project) throw notFound(`project "${slug}"`);
  return project;
}

export async function findRelease(projectId: string, version: string, client: Tx = db()) {
  const release = await client.release.findUnique({ where: { projectId_version: { projectId, version } } });
  if (!release) throw notFound(`release "${version}"`);
  return release;
}
