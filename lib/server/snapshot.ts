// A template's items copied into a release (the snapshot), and read back as gate items.
import type { Prisma, ReleaseItem } from "@/generated/prisma/client";
import type { GateItem } from "@/lib/gate";
import { instructionsPath } from "@/lib/templates/markdown-jobs";
import { plainRendering, type RenderedMarkdown } from "@/lib/templates/rendered-markdown";
import { itemSchema, type Phase, type TemplateDefinition } from "@/lib/templates/schema";

const BASE_FIELDS = new Set(["key", "title", "instructions", "required", "environments", "kind"]);

/** `renderings`: the template version's, by text path (lib/server/rendered-instructions.ts). */
export function snapshotItems(template: TemplateDefinition, renderings: Record<string, RenderedMarkdown>): Omit<Prisma.ReleaseItemCreateManyInput, "releaseId">[] {
  let position = 0;
  return template.sections.flatMap((section, s) =>
    section.items.map((item, i) => ({
      key: item.key,
      section: section.title,
      phase: section.phase,
      position: position++,
      kind: item.kind,
      title: item.title,
      instructions: item.instructions ?? null,
      // Every stored text has a rendering; one missing here would be shown as written.
      renderedInstructions: item.instructions
        ? ((renderings[instructionsPath(s, i)] ?? plainRendering(item.instructions)) as unknown as Prisma.InputJsonValue)
        : undefined,
      required: item.required,
      environments: item.environments,
      config: Object.fromEntries(Object.entries(item).filter(([field]) => !BASE_FIELDS.has(field))),
    })),
  );
}

export function toGateItem(row: Omit<ReleaseItem, "renderedInstructions">): GateItem {
  const item = itemSchema.parse({
    ...(row.config as Record<string, unknown>),
    key: row.key,
    title: row.title,
    instructions: row.instructions ?? undefined,
    required: row.required,
    environments: row.environments,
    kind: row.kind,
  });
  return { ...item, section: row.section, phase: row.phase as Phase };
}
