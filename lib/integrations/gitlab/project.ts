// The Shipcheck project behind a GitLab link (links and approvals keep its id).
import { db } from "@/lib/db/client";
import { notFound } from "@/lib/errors";

export async function findProjectById(id: string) {
  const project = await db().project.findUnique({ where: { id }, include: { environments: { orderBy: { position: "asc" } } } });
  if (!project) throw notFound("project");
  return project;
}
