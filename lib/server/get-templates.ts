// Reading templates: the list, one template with its version history, one version.
import { authorize } from "@/lib/auth/permissions";
import { db } from "@/lib/db/client";
import { notFound } from "@/lib/errors";
import { diffTemplates, type TemplateDiff } from "@/lib/templates/diff";
import { templateSchema, type TemplateDefinition } from "@/lib/templates/schema";
import type { ServerContext } from "./context";
import { findProject, holdsNul } from "./lookup";

export async function listTemplates(ctx: ServerContext, projectSlug: string) {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "release:read");
  const templates = await db().template.findMany({
    where: { projectId: project.id },
    include: { versions: { orderBy: { version: "desc" }, take: 1, select: { version: true, createdAt: true } } },
    orderBy: { name: "asc" },
  });
  return templates.map((t) => ({ name: t.name, latestVersion: t.versions[0]?.version ?? 0, updatedAt: t.versions[0]?.createdAt.toISOString() ?? null }));
}

export type TemplateVersionView = {
  version: number;
  createdAt: string;
  digest: string;
  source: string;
  definition: TemplateDefinition;
  /** Changes from the previous version (null for version 1). */
  changes: TemplateDiff | null;
};

export async function getTemplate(ctx: ServerContext, projectSlug: string, name: string) {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "release:read");
  const template = holdsNul(name) ? null : await db().template.findUnique({
    where: { projectId_name: { projectId: project.id, name } },
    include: { versions: { orderBy: { version: "asc" } } },
  });
  if (!template) throw notFound(`template "${name}"`);
  const definitions = template.versions.map((v) => templateSchema.parse(v.definition));
  const versions: TemplateVersionView[] = template.versions.map((v, i) => ({
    version: v.version,
    createdAt: v.createdAt.toISOString(),
    digest: v.digest,
    source: v.source,
    definition: definitions[i]!,
    changes: i === 0 ? null : diffTemplates(definitions[i - 1]!, definitions[i]!),
  }));
  return { project: { slug: project.slug, name: project.name }, name: template.name, versions: versions.reverse() };
}
