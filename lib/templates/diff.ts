// What changed between two template versions, item by item, for the version history.
import type { TemplateDefinition, TemplateItem } from "./schema";

export type ItemChange = { key: string; title: string; fields: string[] };

export type TemplateDiff = {
  added: { key: string; title: string; section: string }[];
  removed: { key: string; title: string; section: string }[];
  changed: ItemChange[];
  /** Template-level changes: sections, guarded paths, rollback instructions, description. */
  other: string[];
};

type Located = { item: TemplateItem; section: string };

function itemsByKey(template: TemplateDefinition): Map<string, Located> {
  const map = new Map<string, Located>();
  for (const section of template.sections) for (const item of section.items) map.set(item.key, { item, section: section.title });
  return map;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function diffTemplates(before: TemplateDefinition, after: TemplateDefinition): TemplateDiff {
  const old = itemsByKey(before);
  const now = itemsByKey(after);
  const diff: TemplateDiff = { added: [], removed: [], changed: [], other: [] };
  for (const [key, { item, section }] of now) {
    const previous = old.get(key);
    if (!previous) {
      diff.added.push({ key, title: item.title, section });
      continue;
    }
    const fields = [...new Set([...Object.keys(previous.item), ...Object.keys(item)])]
      .filter((field) => !same((previous.item as Record<string, unknown>)[field], (item as Record<string, unknown>)[field]))
      .sort();
    if (previous.section !== section) fields.push("section");
    if (fields.length) diff.changed.push({ key, title: item.title, fields });
  }
  for (const [key, { item, section }] of old) if (!now.has(key)) diff.removed.push({ key, title: item.title, section });
  const sectionsOf = (t: TemplateDefinition) => t.sections.map((s) => `${s.title}:${s.phase}`);
  if (!same(sectionsOf(before), sectionsOf(after))) diff.other.push("sections");
  if (!same(before.guardedPaths, after.guardedPaths)) diff.other.push("guarded paths");
  if (!same(before.rollback, after.rollback)) diff.other.push("rollback instructions");
  if (before.description !== after.description) diff.other.push("description");
  if (before.name !== after.name) diff.other.push("name");
  return diff;
}
