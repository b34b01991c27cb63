// A team's deployment checklist in Markdown -> a template, deterministically: the same text
// always gives the same template and the same warnings. The Markdown is parsed (micromark with
// GFM, never by hand), read by its heading outline, and every item is typed from what it says
// (see markdown-items.ts for the kinds, markdown-text.ts for the phase mapping).
//
// How the outline maps to the template:
// - A lone `#` heading first is the template's name; prose under it goes to the description,
//   lists under it make a section named after it.
// - The deepest heading depth names items, the one above it sections; shallower headings only
//   group sections (markdown-structure.ts, `sectionDepth`). With one depth, headings make
//   sections and list items make items. No headings at all: one section for the whole text.
// - Reference sections ("Emergency Contacts", "Related Documentation", "Version History") are
//   not checklist steps: they are kept verbatim in the template description, with a warning.
//   A "Rollback Instructions: ..." line anywhere feeds `rollback.instructions`.
// - Prose that is no item's (group intros, lead-in sentences) is kept in the description too,
//   under its heading, so nothing the team wrote is dropped silently.
// - Text that is UTF-8 read back as Mac Roman ("‚úÖ" for "✅") is repaired first, where the
//   repair is exact (markdown-mojibake.ts), and every repair is listed in the result.
// - A step done on one environment after deploying there ("Staging Verification: deploy to
//   staging first ...") gets `verifyOn: staging` when a later environment exists for it to gate,
//   with a note saying so per item (`itemNotes`); see `resolveVerifyOn`.
import type { RootContent } from "mdast";
import { MarkdownImportError } from "./markdown-error";
import {
  alertName,
  itemsFromBlock,
  itemsFromFlat,
  type Draft,
  type GuardedDraft,
  type ItemBody,
  type SectionScope,
} from "./markdown-items";
import {
  hasStructure,
  MarkdownSource,
  normaliseText,
  outlineOf,
  parseMarkdown,
  plainText,
  spanOf,
  type Outline,
  type OutlineNode,
} from "./markdown-structure";
import { repairMojibake, type MojibakeRepair } from "./markdown-mojibake";
import {
  collapse,
  COMMON_ENVIRONMENTS,
  environmentsNamed,
  inferPhase,
  isReferenceTitle,
  isRollbackInstructionsTitle,
  repairWarning,
  rollbackLabelled,
  significantWords,
  slugify,
  stripOrdinal,
  verifyCue,
  words,
  type VerifyCue,
} from "./markdown-text";
import { MAX_TEMPLATE_ITEMS, templateSchema, type Phase, type TemplateDefinition } from "./schema";

export { MarkdownImportError } from "./markdown-error";

/** The largest document accepted at all. */
export const MAX_MARKDOWN_BYTES = 5 * 1024 * 1024;
/**
 * Parsing budget. micromark reads roughly 0.1-0.5 MB/s here, and some shapes cost more than
 * linear time: measured, 8,000 headings each followed by a list took 14 s, 8,000 quotes between
 * paragraphs 17 s, a 512 KB line of brackets 5 s. A real checklist is a few KB (the fixture is
 * 4.7 KB), so documents past these limits are refused with a message instead of holding up
 * the server for tens of seconds; within them the worst shapes measured parse in about 2-3 s.
 * Shapes these limits miss (40,000 "*a" in one line, 11 s) meet the worker's time budget instead: the
 * server reads Markdown only in markdown-worker.ts (see markdown-pool.ts).
 */
export const MAX_PARSED_BYTES = 256 * 1024;
export const MAX_CONTAINER_LINES = 2_000;
/**
 * Lines that may open a list item or a block quote: the containers whose number drives the
 * parser's worst case. Lines inside code blocks count too; over-counting only errs towards
 * refusing, it never misreads the document (the document itself is read by micromark).
 */
const CONTAINER_LINE = /^[ \t]*(?:>|[-*+](?:[ \t]|$)|\d{1,9}[.)](?:[ \t]|$))/gm;

export interface MarkdownImportOptions {
  /** The template's name; defaults to the document's `#` title. */
  name?: string;
  /**
   * The project's environments, in deploy order (`staging`, `production`). They decide which
   * steps are done on one environment after its deploy (`verifyOn`). Without them, the
   * environments the document names are used, in the order it first names them.
   */
  environments?: readonly string[];
}

/** Something the importer decided about one item, for the preview to show next to it. */
export interface ImportedItemNote {
  /** Indexes into `template.sections` and its `items`. */
  section: number;
  item: number;
  key: string;
  /** "Done on staging after its deploy; gates production. The text says “Deploy to staging first”." */
  note: string;
  /** The words it was decided from, as written ("Deploy to staging first"). */
  because: string;
}

/** A title the mojibake repair changed. */
export interface RepairedTitle {
  section: number;
  /** Absent for the section's own title. */
  item?: number;
  before: string;
  after: string;
}

export interface MarkdownImport {
  template: TemplateDefinition;
  /** What the importer decided that a reader might not expect, in document order. */
  warnings: string[];
  /** Per item: where it is done and what it gates, where the importer decided that from the text. */
  itemNotes: ImportedItemNote[];
  /** Characters that were UTF-8 read as Mac Roman, repaired, in document order. */
  repairs: MojibakeRepair[];
  /** The titles those repairs changed. */
  repairedTitles: RepairedTitle[];
}

export function importMarkdownChecklist(markdown: string, options: MarkdownImportOptions = {}): MarkdownImport {
  refuseOversized(markdown);
  const warnings: string[] = [];
  const { text, repairs } = repairMojibake(normaliseText(markdown, warnings));
  if (repairs.length > 0) {
    warnings.push(repairWarning(repairs));
  }
  const root = parseMarkdown(text);
  if (!hasStructure(root)) {
    throw new MarkdownImportError(
      "Nothing to import: the Markdown has no headings, list items or tables to make checklist items from.",
    );
  }
  const builder = new TemplateBuilder(new MarkdownSource(text), warnings, options.environments ?? []);
  builder.read(outlineOf(root));
  const template = templateSchema.parse(builder.template(options.name));
  return {
    template,
    warnings: capped(warnings),
    itemNotes: builder.itemNotes(template),
    repairs,
    repairedTitles: repairedTitles(template, repairs),
  };
}

/**
 * Titles holding a repaired character, with what they read before. Found by the characters
 * the repair produced, so a title that had a genuine "✅" in a document that also had a
 * mis-encoded one would be listed too; the repairs themselves (`repairs`) are exact.
 */
function repairedTitles(template: TemplateDefinition, repairs: readonly MojibakeRepair[]): RepairedTitle[] {
  if (repairs.length === 0) return [];
  const pairs = [...new Map(repairs.map((r) => [r.to, r.from])).entries()];
  const undo = (title: string) => pairs.reduce((text, [to, from]) => text.split(to).join(from), title);
  const found: RepairedTitle[] = [];
  template.sections.forEach((section, s) => {
    if (undo(section.title) !== section.title) found.push({ section: s, before: undo(section.title), after: section.title });
    section.items.forEach((item, i) => {
      if (undo(item.title) !== item.title) found.push({ section: s, item: i, before: undo(item.title), after: item.title });
    });
  });
  return found;
}

/** A long document can repeat one warning thousands of times; a reader needs the first ones. */
const MAX_WARNINGS = 100;
function capped(warnings: string[]): string[] {
  if (warnings.length <= MAX_WARNINGS) return warnings;
  return [...warnings.slice(0, MAX_WARNINGS), `… and ${warnings.length - MAX_WARNINGS} more warnings.`];
}

function refuseOversized(markdown: unknown): asserts markdown is string {
  if (typeof markdown !== "string") throw new MarkdownImportError("The Markdown must be text.");
  const bytes = Buffer.byteLength(markdown, "utf8");
  const size = bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
  const split = "A deployment checklist is usually a few KB: split this one into several templates.";
  if (bytes > MAX_MARKDOWN_BYTES) {
    throw new MarkdownImportError(
      `The Markdown file is ${bytes.toLocaleString("en")} bytes; the importer accepts at most 5 MB (${MAX_MARKDOWN_BYTES.toLocaleString("en")} bytes).`,
    );
  }
  if (bytes > MAX_PARSED_BYTES) {
    throw new MarkdownImportError(
      `The Markdown file is ${size}; checklists over ${MAX_PARSED_BYTES / 1024} KB are not imported, because reading one would hold up the server. ${split}`,
    );
  }
  const containers = markdown.match(CONTAINER_LINE)?.length ?? 0;
  if (containers > MAX_CONTAINER_LINES) {
    throw new MarkdownImportError(
      `The Markdown has ${containers} list or quote lines; the importer reads at most ${MAX_CONTAINER_LINES.toLocaleString("en")}, because reading more would hold up the server. ${split}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------

interface SectionDraft {
  title: string;
  phase: Phase;
  drafts: Draft[];
  /** The nearest grouping heading: guarded paths found under it are guarded by its checks. */
  group: OutlineNode | undefined;
  /** The section's title, its groups' titles and its lead-in prose: what it says about itself. */
  says: string[];
}

interface GuardedEntry extends GuardedDraft {
  section: SectionDraft;
}

/** Limits of the template schema; longer text is cut, with a warning, rather than refused. */
const LIMITS = {
  name: 100,
  description: 5_000,
  sectionTitle: 200,
  title: 300,
  instructions: 20_000,
  step: 300,
  pattern: 500,
  metricName: 200,
  unit: 40,
  alert: 200,
  note: 500,
} as const;

class TemplateBuilder {
  private readonly sections: SectionDraft[] = [];
  private readonly notes: string[] = [];
  private readonly rollback: string[] = [];
  private readonly guarded: GuardedEntry[] = [];
  /** pytest target -> title of the item that checks it, so a target is checked once. */
  private readonly claimed = new Map<string, string>();
  private documentTitle: string | undefined;
  /** Notes per draft on where it is done (see resolveVerifyOn). */
  private readonly verifyNotes = new Map<Draft, { note: string; because: string }>();

  constructor(
    private readonly src: MarkdownSource,
    private readonly warnings: string[],
    private readonly environments: readonly string[],
  ) {}

  read(outline: Outline): void {
    this.documentTitle = outline.title?.title || undefined;
    this.readLooseContent(outline.title, outline.preamble, []);
    for (const node of outline.top) this.readNode(node, [], outline.sectionDepth);
  }

  private readNode(node: OutlineNode, groups: OutlineNode[], sectionDepth: number): void {
    if (node.children.length === 0 || node.depth >= sectionDepth) {
      this.readSection(node, groups);
      return;
    }
    this.readLooseContent(node, node.body, groups);
    for (const child of node.children) this.readNode(child, [...groups, node], sectionDepth);
  }

  /**
   * Content that is not under a section heading: the preamble, or a group's intro. Items in it
   * (lists, tables, code) make a section named after the heading above them; prose alone goes
   * to the description.
   */
  private readLooseContent(heading: OutlineNode | undefined, body: RootContent[], groups: OutlineNode[]): void {
    const content = body.filter((node) => node.type !== "thematicBreak");
    if (content.length === 0) return;
    if (content.some((node) => node.type === "list" || node.type === "table" || node.type === "code")) {
      const title = heading ? stripOrdinal(heading.title) : this.documentTitle;
      this.readSectionContent(title || "Checklist", heading, content, [], groups);
      return;
    }
    this.notes.push(this.src.ofAll(heading ? [heading.heading, ...content] : content));
  }

  private readSection(node: OutlineNode, groups: OutlineNode[]): void {
    const title = stripOrdinal(node.title) || "Untitled section";
    const span = spanOf(node);
    if (isReferenceTitle(title) && !span.some(containsTask)) {
      this.readReference(node, title, span);
      return;
    }
    if (isRollbackInstructionsTitle(title)) {
      this.rollback.push(this.src.ofAll(span));
      return;
    }
    this.readSectionContent(title, node, node.body, node.children, groups);
  }

  private readReference(node: OutlineNode, title: string, span: RootContent[]): void {
    this.notes.push(this.src.ofAll([node.heading, ...span]));
    for (const paragraph of span.flatMap(leadParagraphs)) {
      const instructions = rollbackLabelled(this.src.of(paragraph));
      if (instructions) this.rollback.push(instructions);
    }
    this.warnings.push(`"${title}" is reference material, not checklist steps: kept in the template description.`);
  }

  private readSectionContent(
    title: string,
    heading: OutlineNode | undefined,
    body: RootContent[],
    itemHeadings: OutlineNode[],
    groups: OutlineNode[],
  ): void {
    const notes: string[] = [];
    const section: SectionDraft = {
      title,
      phase: this.phaseFor(title, groups),
      drafts: [],
      group: groups[groups.length - 1],
      says: [title, ...groups.map((g) => g.title)],
    };
    const scope: SectionScope = {
      src: this.src,
      phase: section.phase,
      title,
      warn: (message) => this.warnings.push(message),
      note: (markdown) => notes.push(markdown),
      rollback: (markdown) => this.rollback.push(markdown),
      guard: (path) => this.guarded.push({ ...path, section }),
      claim: (target, where) => this.claim(target, where),
    };
    section.drafts.push(...itemsFromFlat(body, scope));
    for (const child of itemHeadings) {
      section.drafts.push(...itemsFromBlock(stripOrdinal(child.title) || "Untitled item", spanOf(child), scope));
    }
    if (notes.length > 0) this.notes.push([...(heading ? [this.src.of(heading.heading)] : []), ...notes].join("\n\n"));
    section.says.push(...notes, ...body.filter((node) => node.type === "paragraph").map((node) => plainText(node)));
    this.sections.push(section);
  }

  /** The section's own words decide; else the nearest grouping heading's; else pre-deploy. */
  private phaseFor(title: string, groups: OutlineNode[]): Phase {
    const phase = inferPhase(title) ?? [...groups].reverse().map((g) => inferPhase(g.title)).find(Boolean);
    if (phase) return phase;
    // Pre-deploy is the safe guess: an unknown step then gates the deploy instead of being skipped.
    this.warnings.push(`No phase words in "${title}": assumed pre-deploy.`);
    return "pre-deploy";
  }

  private claim(target: string, where: string): boolean {
    const owner = this.claimed.get(target);
    if (owner !== undefined) {
      this.warnings.push(`pytest target "${target}" under "${where}" is already checked under "${owner}"; not added twice.`);
      return false;
    }
    this.claimed.set(target, where);
    return true;
  }

  // -------------------------------------------------------------------------------------------
  // Finishing: cross-references, keys, limits.

  template(name: string | undefined): unknown {
    const guardedPaths = this.resolveGuardedPaths();
    this.resolveWatches();
    this.resolveVerifyOn();
    if (this.sections.length === 0) {
      throw new MarkdownImportError(
        "Nothing to import: apart from its title, notes and reference material (contacts, links, history), the Markdown has no checklist sections.",
      );
    }
    const count = this.sections.reduce((n, section) => n + section.drafts.length, 0);
    if (count > MAX_TEMPLATE_ITEMS) {
      throw new MarkdownImportError(`The checklist makes ${count} items; a template holds at most ${MAX_TEMPLATE_ITEMS}: split it into several documents.`);
    }
    for (const section of this.sections) {
      if (section.drafts.length === 0) this.warnings.push(`Section "${section.title}" has no items.`);
    }
    const keys = new KeyRegistry();
    const description = this.notes.filter(Boolean).join("\n\n");
    const rollback = this.rollback.filter(Boolean).join("\n\n");
    return {
      name: this.fit(collapse(name ?? "") || this.documentTitle || "Imported checklist", LIMITS.name, "The template name"),
      ...(description ? { description: this.fit(description, LIMITS.description, "The description") } : {}),
      sections: this.sections.map((section) => ({
        title: this.fit(section.title, LIMITS.sectionTitle, `Section title "${section.title}"`),
        phase: section.phase,
        items: section.drafts.map((draft) => this.finishItem(draft.item, keys)),
      })),
      guardedPaths,
      ...(rollback ? { rollback: { instructions: this.fit(rollback, LIMITS.instructions, "The rollback instructions") } } : {}),
    };
  }

  /**
   * A guarded path names the checks that must have run when it changes: the checks under the
   * same grouping heading (the fixture's "CRITICAL: WebSocket Agent Events" part), else every
   * check of the template. With no checks at all it stays a manual item in its section.
   */
  private resolveGuardedPaths() {
    const patterns = (group: OutlineNode | undefined) =>
      [
        ...new Set(
          this.sections
            .filter((s) => group === undefined || s.group === group)
            .flatMap((s) => s.drafts.flatMap((d) => (d.item.kind === "check" ? d.item.patterns : []))),
        ),
      ].map((p) => this.fit(p, LIMITS.pattern, `Pattern "${p}"`));
    const seen = new Set<string>();
    const resolved = [];
    for (const { section, ...path } of this.guarded) {
      const identity = JSON.stringify([path.path, path.lines]);
      if (seen.has(identity)) continue;
      seen.add(identity);
      const checks = patterns(section.group).length > 0 ? patterns(section.group) : patterns(undefined);
      if (checks.length === 0) {
        this.warnings.push(`No checks to guard "${path.path}" with: kept as a manual item instead.`);
        section.drafts.push({
          item: {
            kind: "manual",
            title: `${path.path} not modified without running tests`,
            ...(path.note ? { instructions: path.note } : {}),
          },
        });
        continue;
      }
      resolved.push({
        path: this.fit(path.path, LIMITS.pattern, `Guarded path "${path.path}"`),
        ...(path.lines ? { lines: path.lines } : {}),
        ...(path.note ? { note: this.fit(path.note, LIMITS.note, `The note of "${path.path}"`) } : {}),
        checks,
      });
    }
    return resolved;
  }

  /**
   * Steps done on an environment after deploying there. A section (its title, its groups'
   * titles, its lead-in) or an item (its title, steps and instructions) that says "deploy to
   * staging first", "Staging Verification", "verify on staging" ... is done on staging after
   * that deploy, and so gates the environments after staging: `verifyOn: staging`. The item's
   * own words win over its section's. Only items that could gate are considered: those of
   * pre-deploy and post-deploy sections, never rollback watches.
   * The environment must be one of the project's with a later one after it; without the
   * project's, the document's own order counts (staging named before production). Otherwise,
   * or when no environment is named ("Post-Deployment Validation"), it is left unset and a
   * warning says so, for the reviewer to decide in the preview.
   */
  private resolveVerifyOn(): void {
    const known = this.environments.length > 0;
    const order = known ? [...this.environments] : environmentsNamed(this.src.text);
    const names = [...this.environments, ...COMMON_ENVIRONMENTS];
    const sourceNote = known ? "" : `; the project's environments were not given, so the document's order counts: ${order.join(", ")}`;
    for (const section of this.sections) {
      if (section.phase !== "pre-deploy" && section.phase !== "post-deploy") continue;
      const candidates = section.drafts.filter((d) => d.item.kind !== "watch");
      const sectionCue = verifyCue(section.says.join(" ; "), names);
      const bySection = candidates.filter((d) => !verifyCue(itemWords(d), names));
      if (sectionCue && bySection.length > 0) {
        const where = bySection.length === candidates.length ? `Section "${section.title}"` : `${bySection.length} items of section "${section.title}"`;
        this.decideVerifyOn(bySection, sectionCue, where, section, order, sourceNote);
      }
      for (const draft of candidates) {
        const own = verifyCue(itemWords(draft), names);
        if (own) this.decideVerifyOn([draft], own, `"${collapse(draft.item.title)}"`, section, order, sourceNote);
      }
    }
  }

  private decideVerifyOn(drafts: Draft[], cue: VerifyCue, where: string, section: SectionDraft, order: string[], sourceNote: string): void {
    const said = `“${cue.phrase}”`;
    const unset = section.phase === "pre-deploy" ? "left to be done before each deploy" : "left to be done after each deploy, gating nothing";
    if (cue.environment === undefined) {
      const quoted = where.toLowerCase().includes(cue.phrase.toLowerCase()) ? "" : ` (${said})`;
      this.warnings.push(`${where} is checked after a deploy${quoted} but names no environment: ${unset}. Choose where it is done in the preview.`);
      return;
    }
    const at = order.findIndex((name) => name.toLowerCase() === cue.environment);
    if (at < 0) {
      this.warnings.push(
        `${where} says ${said}, but ${cue.environment} is not one of this project's environments (${order.join(", ")}): ${unset}. Choose where it is done in the preview.`,
      );
      return;
    }
    const environment = order[at]!;
    const later = order.slice(at + 1);
    if (later.length === 0) {
      this.warnings.push(
        `${where} says ${said}, but no environment comes after ${environment} for it to gate: ${unset}. Choose where it is done in the preview.`,
      );
      return;
    }
    for (const draft of drafts) {
      draft.item = { ...draft.item, verifyOn: environment };
      this.verifyNotes.set(draft, {
        note: `Done on ${environment} after its deploy; gates ${later.join(", ")}. The text says ${said}${sourceNote}.`,
        because: cue.phrase,
      });
    }
    const what = drafts.length === 1 ? "is" : `(${drafts.length} items) are`;
    this.warnings.push(`${where} ${what} done on ${environment} after its deploy, so ${drafts.length === 1 ? "it gates" : "they gate"} ${later.join(", ")}, not ${environment} (${said}${sourceNote}).`);
  }

  /** The notes of resolveVerifyOn, by position and key in the finished template. */
  itemNotes(template: TemplateDefinition): ImportedItemNote[] {
    const notes: ImportedItemNote[] = [];
    this.sections.forEach((section, s) =>
      section.drafts.forEach((draft, i) => {
        const decided = this.verifyNotes.get(draft);
        const key = template.sections[s]?.items[i]?.key;
        if (decided !== undefined && key !== undefined) notes.push({ section: s, item: i, key, ...decided });
      }),
    );
    return notes;
  }

  /**
   * "Any mission critical test fails" watches the check pattern sharing most words with it
   * (`mission`, `critical`), the broadest (shortest) on a tie: here `tests/mission_critical/`.
   * With no such pattern it watches an alert named after it.
   */
  private resolveWatches(): void {
    const patterns = this.sections.flatMap((s) => s.drafts.flatMap((d) => (d.item.kind === "check" ? d.item.patterns : [])));
    for (const draft of this.sections.flatMap((s) => s.drafts)) {
      if (draft.watchTestsFrom === undefined || draft.item.kind !== "watch") continue;
      const wanted = new Set(significantWords(draft.watchTestsFrom));
      let best: { pattern: string; score: number } | undefined;
      for (const pattern of patterns) {
        const score = new Set(words(pattern).filter((w) => wanted.has(w))).size;
        if (score > 0 && (!best || score > best.score || (score === best.score && pattern.length < best.pattern.length))) {
          best = { pattern, score };
        }
      }
      draft.item = best ? { ...draft.item, check: best.pattern } : { ...draft.item, alert: alertName(draft.item.title) };
      delete draft.watchTestsFrom;
    }
  }

  private finishItem(item: ItemBody, keys: KeyRegistry) {
    const title = this.fit(collapse(item.title) || "Untitled item", LIMITS.title, `Item title "${Array.from(item.title).slice(0, 60).join("")}"`);
    const finished = { ...item, key: keys.next(title, item.kind), title };
    if (finished.instructions !== undefined) {
      finished.instructions = this.fit(finished.instructions, LIMITS.instructions, `The instructions of "${title}"`);
    }
    switch (finished.kind) {
      case "manual":
        return { ...finished, steps: (finished.steps ?? []).map((s) => this.fit(s, LIMITS.step, `A step of "${title}"`)) };
      case "check":
        return { ...finished, patterns: finished.patterns.map((p) => this.fit(p, LIMITS.pattern, `Pattern "${p}"`)) };
      case "metric":
        return this.finishMetric(finished);
      case "watch":
        return {
          ...finished,
          ...(finished.alert ? { alert: this.fit(finished.alert, LIMITS.alert, "An alert name") } : {}),
          ...(finished.check ? { check: this.fit(finished.check, LIMITS.pattern, `Pattern "${finished.check}"`) } : {}),
          ...(finished.metric ? { metric: { ...finished.metric, name: this.fit(finished.metric.name, LIMITS.metricName, "A metric name") } } : {}),
        };
    }
  }

  private finishMetric<T extends { metric: string; unit?: string; title: string }>(item: T): T {
    const finished = { ...item, metric: this.fit(item.metric, LIMITS.metricName, "A metric name") };
    if (finished.unit !== undefined && finished.unit.length > LIMITS.unit) {
      this.warnings.push(`The unit of "${item.title}" is longer than ${LIMITS.unit} characters: left out.`);
      delete finished.unit;
    }
    return finished;
  }

  /** Cut text to the schema's limit (never inside a surrogate pair), with a warning. */
  private fit(text: string, max: number, what: string): string {
    if (text.length <= max) return text;
    this.warnings.push(`${what} is longer than ${max} characters: cut.`);
    const cut = text.slice(0, max - 1).replace(/[\uD800-\uDBFF]$/, "");
    return `${cut}…`;
  }
}

/** Keys from titles, unique across the template: `x`, then `x-2`, `x-3`, in document order. */
class KeyRegistry {
  private readonly used = new Set<string>();
  /** The next suffix to try per base, so a thousand identical titles stay linear. */
  private readonly suffix = new Map<string, number>();

  next(title: string, kind: string): string {
    const base = slugify(title) || kind;
    let key = base;
    let n = this.suffix.get(base) ?? 2;
    while (this.used.has(key)) key = `${base}-${n++}`;
    this.suffix.set(base, n);
    this.used.add(key);
    return key;
  }
}

/** What an item says about itself: its title, steps and instructions. */
function itemWords(draft: Draft): string {
  const item = draft.item;
  return [item.title, ...(item.kind === "manual" ? (item.steps ?? []) : []), item.instructions ?? ""].join(" ; ");
}

const containsTask = (node: RootContent): boolean =>
  node.type === "list" && node.children.some((li) => typeof li.checked === "boolean");

/** Top-level paragraphs and the first paragraph of each list item: where a labelled line sits. */
function leadParagraphs(node: RootContent) {
  if (node.type === "paragraph") return [node];
  if (node.type !== "list") return [];
  return node.children.flatMap((li) => (li.children[0]?.type === "paragraph" ? [li.children[0]] : []));
}
