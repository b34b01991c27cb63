// Saves a template's text as a new immutable version, unless it is identical to the latest.
import { createHash } from "node:crypto";
import type { Prisma } from "@/generated/prisma/client";
import { authorize } from "@/lib/auth/permissions";
import { canonicalJson } from "@/lib/canonical-json";
import { db } from "@/lib/db/client";
import { AppError, type ErrorDetail } from "@/lib/errors";
import type { TemplateDefinition } from "@/lib/templates/schema";
import { recordAudit } from "./audit";
import type { ServerContext } from "./context";
import { findProject } from "./lookup";
import { readForSave } from "./rendered-instructions";

/** `expectedName`: the name the caller addressed (URL); the document must agree with it. */
export async function saveTemplate(ctx: ServerContext, projectSlug: string, source: string, expectedName?: string) {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "template:write");
  // Read (YAML, validation) and its instructions rendered in the Markdown worker, within its
  // budget; release pages show the stored renderings.
  const { parsed, rendered: renderedInstructions } = await readForSave(source);
  if (!parsed.ok) throw new AppError("validation_failed", "the template is not valid", parsed.problems);
  const definition = parsed.template;
  if (expectedName !== undefined && definition.name !== expectedName) {
    throw new AppError("validation_failed", `the document is named "${definition.name}" but was sent to template "${expectedName}"`, [
      { path: "name", message: `must be "${expectedName}"` },
    ]);
  }
  assertVerifyOnEnvironments(definition, project.environments.map((e) => e.name));
  const digest = createHash("sha256").update(canonicalJson(definition)).digest("hex");

  return db().$transaction(async (tx) => {
    // INSERT … ON CONFLICT DO NOTHING: concurrent first saves of a new template wait for each
    // other here instead of failing on the unique name (an upsert's insert raced into a 500).
    await tx.template.createMany({ data: [{ projectId: project.id, name: definition.name }], skipDuplicates: true });
    const template = await tx.template.findUniqueOrThrow({ where: { projectId_name: { projectId: project.id, name: definition.name } } });
    // Serialises concurrent saves of one template so version numbers never collide.
    await tx.$queryRaw`SELECT id FROM "Template" WHERE id = ${template.id}::uuid FOR UPDATE`;
    const latest = await tx.templateVersion.findFirst({ where: { templateId: template.id }, orderBy: { version: "desc" } });
    if (latest?.digest === digest) return { template: definition.name, version: latest.version, created: false };
    const version = await tx.templateVersion.create({
      data: {
        templateId: template.id,
        version: (latest?.version ?? 0) + 1,
        source,
        definition: definition as unknown as Prisma.InputJsonValue,
        renderedInstructions: renderedInstructions as unknown as Prisma.InputJsonValue,
        digest,
      },
    });
    await recordAudit(tx, ctx, {
      projectId: project.id,
      action: "template.version_created",
      targetType: "template",
      targetId: template.id,
      after: { name: definition.name, version: version.version, digest },
    });
    return { template: definition.name, version: version.version, created: true };
  });
}

/** `verifyOn` names where an item is done, gating what comes after: that must exist here. */
function assertVerifyOnEnvironments(definition: TemplateDefinition, environments: string[]): void {
  const problems: ErrorDetail[] = [];
  definition.sections.forEach((section, s) =>
    section.items.forEach((item, i) => {
      if (item.verifyOn === undefined) return;
      const at = environments.indexOf(item.verifyOn);
      const path = `sections.${s}.items.${i}.verifyOn`;
      if (at < 0) problems.push({ path, message: `"${item.verifyOn}" is not an environment of this project (${environments.join(", ")})` });
      else if (at === environments.length - 1) problems.push({ path, message: `"${item.verifyOn}" is the last environment: an item verified there would gate nothing` });
    }),
  );
  if (problems.length) throw new AppError("validation_failed", `the template is not valid: ${problems[0]!.message}`, problems);
}
