// Markdown blocks of one section -> template items (without keys; markdown-import.ts assigns
// those once the whole document is read, so they are unique and in document order).
//
// Which kind an item gets:
// - a pytest command (in a code block, or in inline code of a list item) -> `check`, one per
//   test path; "All 5 tests in `x.py` MUST pass" next to it sets `expect: {count: 5}`.
// - "must be > 500 events/sec" in a command's comment or a list item -> `metric`.
// - anything in a rollback section -> `watch` (on a check, a metric threshold or an alert).
// - everything else -> `manual`, for a release manager, with nested bullets as `steps`.
// In a monitoring section, plain bullets ("WebSocket event count per minute") name things to
// keep an eye on, not conditions Shipcheck could evaluate: they become advisory manual items
// (`required: false`); `- [ ]` tasks there stay required; a bullet with a threshold
// ("error rate above 5%") becomes a watch on that metric.
import type { Code, List, ListItem, Nodes, Paragraph, RootContent, Table } from "mdast";
import type { z } from "zod";
import type { itemSchema, Phase } from "./schema";
import { losesInformationAsText, plainText, type MarkdownSource } from "./markdown-structure";
import {
  collapse,
  expectationFrom,
  findThreshold,
  metricName,
  pytestCommands,
  rollbackLabelled,
  saysTestsFail,
  saysTestsPass,
  significantWords,
  slugify,
  targetNames,
  withoutParentheticals,
  words,
  type PytestCommand,
  type Threshold,
} from "./markdown-text";

type WithoutKey<T> = T extends unknown ? Omit<T, "key"> : never;
export type ItemBody = WithoutKey<z.input<typeof itemSchema>>;

export interface Draft {
  item: ItemBody;
  /**
   * A rollback criterion about failing tests ("Any mission critical test fails"): which check
   * pattern it watches is chosen once every check of the document is known.
   */
  watchTestsFrom?: string;
}

export interface GuardedDraft {
  path: string;
  lines?: { from: number; to: number };
  note?: string;
}

/** What item extraction needs to know about, and report to, the section being read. */
export interface SectionScope {
  src: MarkdownSource;
  phase: Phase;
  title: string;
  warn(message: string): void;
  /** Lead-in prose kept in the template description under the section heading. */
  note(markdown: string): void;
  rollback(markdown: string): void;
  guard(path: GuardedDraft): void;
  /** Reserve a pytest target for a check; false when an earlier item already checks it. */
  claim(target: string, where: string): boolean;
}

/** A list item or table row, read as the makings of one item. */
interface Entry {
  title: string;
  /** Text searched for thresholds and expectations. */
  text: string;
  isTask: boolean;
  steps: string[];
  instructions?: string;
  targets: string[];
}

const isList = (node: Nodes): node is List => node.type === "list";
const isCode = (node: Nodes): node is Code => node.type === "code";
const joinMarkdown = (...parts: Array<string | undefined>) => parts.filter(Boolean).join("\n\n") || undefined;
const optional = <K extends string, V>(key: K, value: V | undefined) =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;

// ---------------------------------------------------------------------------------------------
// Entry points.

/**
 * A section's own content (no item headings): list items and table rows become items, a code
 * block with pytest commands becomes checks. Other content ("loose": prose, other code, HTML)
 * belongs to the item before it, or the one after when it comes first; a section with nothing
 * but loose content becomes one manual item named after the section.
 */
export function itemsFromFlat(nodes: RootContent[], scope: SectionScope): Draft[] {
  const remaining = withoutGuardedLists(nodes, scope.title, scope);
  const drafts: Draft[] = [];
  const loose: Array<{ node: RootContent; itemsBefore: number }> = [];
  remaining.forEach((node, i) => {
    if (node.type === "thematicBreak") return;
    if (isLeadIn(node, remaining[i + 1])) {
      // "IMMEDIATELY ROLLBACK IF:" introduces the items below; the section title says as much,
      // so it is kept in the description rather than repeated in every item.
      scope.note(scope.src.of(node));
      return;
    }
    const produced = itemsFromFlatNode(node, scope);
    if (produced) drafts.push(...produced);
    else loose.push({ node, itemsBefore: drafts.length });
  });
  if (drafts.length === 0) {
    return loose.length > 0 ? [singleItem(scope.title, loose.map((l) => l.node), scope)] : [];
  }
  // Before the first item, content reads as that item's preamble; after an item, as its addendum.
  for (const { node } of [...loose].reverse().filter((l) => l.itemsBefore === 0)) {
    drafts[0]!.item.instructions = joinMarkdown(scope.src.of(node), drafts[0]!.item.instructions);
  }
  for (const { node, itemsBefore } of loose.filter((l) => l.itemsBefore > 0)) {
    const owner = drafts[itemsBefore - 1]!;
    owner.item.instructions = joinMarkdown(owner.item.instructions, scope.src.of(node));
  }
  return drafts;
}

/**
 * The content under an item heading (`#### 2. Critical Event Verification`): one manual item
 * named after the heading with its bullets as steps, unless it runs pytest or states a
 * threshold, in which case it yields those checks and metrics (and its other bullets become
 * items of their own). A list of files "not to be modified" becomes guarded paths.
 */
export function itemsFromBlock(title: string, nodes: RootContent[], scope: SectionScope): Draft[] {
  const remaining = withoutGuardedLists(nodes, title, scope);
  if (remaining.length === 0 && nodes.length > 0) return [];
  const automated = scope.phase === "rollback" ? undefined : automatedItems(title, remaining, scope);
  return automated ?? [singleItem(title, remaining, scope)];
}

function itemsFromFlatNode(node: RootContent, scope: SectionScope): Draft[] | undefined {
  if (node.type === "list") return node.children.flatMap((li) => entryItems(listItemEntry(li, scope), scope));
  if (node.type === "table") return tableEntries(node, scope).flatMap((entry) => entryItems(entry, scope));
  if (node.type === "code" && scope.phase !== "rollback") return automatedItems(scope.title, [node], scope);
  return undefined;
}

/** A paragraph ending with ':' right before the list or table it introduces. */
const isLeadIn = (node: RootContent, next: RootContent | undefined): boolean =>
  node.type === "paragraph" && (next?.type === "list" || next?.type === "table") && plainText(node).endsWith(":");

// ---------------------------------------------------------------------------------------------
// List items and table rows.

function listItemEntry(li: ListItem, scope: SectionScope): Entry | undefined {
  const [first] = li.children;
  const lead: Paragraph | undefined = first?.type === "paragraph" ? first : undefined;
  const body = lead ? li.children.slice(1) : li.children;
  if (lead) {
    const rollback = rollbackLabelled(scope.src.of(lead));
    if (rollback) {
      scope.rollback(joinMarkdown(rollback, scope.src.ofAll(body))!);
      return undefined;
    }
  }
  const title = lead ? plainText(lead) : headline(first);
  if (!title) {
    scope.warn(`Skipped an empty list item in "${scope.title}".`);
    return undefined;
  }
  const stepLists = body.filter(isList);
  // Nested bullets become tickable steps (plain text); the Markdown is kept as instructions
  // only where plain text would lose something (a link, an image, HTML).
  const kept = [
    ...(lead && losesInformationAsText(lead) ? [lead] : []),
    ...body.filter((node) => !isList(node) || losesInformationAsText(node)),
  ];
  const inlineCommands = lead ? inlineCode(lead).flatMap((code) => pytestCommands(code)) : [];
  const blockCommands = body.filter(isCode).flatMap((code) => pytestCommands(code.value));
  return {
    title,
    text: title,
    isTask: typeof li.checked === "boolean",
    steps: stepLists.flatMap((list) => list.children.map((step) => plainText(step))).filter(Boolean),
    ...optional("instructions", joinMarkdown(scope.src.ofAll(kept))),
    targets: [...new Set([...inlineCommands, ...blockCommands].flatMap((c) => c.targets))],
  };
}

/** First line of a list item that does not start with a paragraph (e.g. a code block). */
function headline(node: Nodes | undefined): string {
  if (!node) return "";
  const text = node.type === "code" ? node.value : plainText(node);
  return collapse(text.split("\n").find((line) => line.trim()) ?? "");
}

function inlineCode(node: Nodes): string[] {
  if (node.type === "inlineCode") return [node.value];
  return "children" in node ? node.children.flatMap((child) => inlineCode(child)) : [];
}

/** Each body row is an item: its first filled cell the title, the other cells its details. */
function tableEntries(table: Table, scope: SectionScope): Entry[] {
  const [head, ...rows] = table.children;
  const headers = head ? head.children.map((cell) => plainText(cell)) : [];
  return rows.flatMap((row) => {
    const cells = row.children.map((cell, i) => ({
      header: headers[i] || `Column ${i + 1}`,
      text: plainText(cell),
      markdown: scope.src.ofInline(cell.children),
    }));
    const titled = cells.find((cell) => cell.text);
    if (!titled) {
      scope.warn(`Skipped an empty table row in "${scope.title}".`);
      return [];
    }
    const details = cells.filter((cell) => cell !== titled && cell.text).map((c) => `- **${c.header}**: ${c.markdown}`);
    const commands = cells.flatMap((cell) => pytestCommands(cell.text));
    return [
      {
        title: titled.text,
        text: plainText(row),
        isTask: false,
        steps: [],
        ...optional("instructions", joinMarkdown(details.join("\n"))),
        targets: [...new Set(commands.flatMap((c) => c.targets))],
      },
    ];
  });
}

function entryItems(entry: Entry | undefined, scope: SectionScope): Draft[] {
  if (!entry) return [];
  if (scope.phase === "rollback") return [watchItem(entry.title, entry.text, entry.targets, entry.instructions)];
  if (entry.targets.length > 0) {
    const fresh = entry.targets.filter((target) => scope.claim(target, entry.title));
    const expectation = fresh.length === 1 ? expectationFrom(entry.text) : undefined;
    return fresh.map((target) =>
      checkItem(fresh.length === 1 ? entry.title : `${entry.title}: ${target}`, target, expectation, entry.instructions),
    );
  }
  const monitoring = scope.phase === "monitoring";
  const threshold = findThreshold(entry.text, !monitoring);
  if (threshold && monitoring) return [watchItem(entry.title, entry.text, [], entry.instructions)];
  if (threshold) return [metricItem(entry.title, threshold, entry.title, entry.instructions)];
  return [manualItem(entry.title, entry.steps, entry.instructions, entry.isTask || !monitoring)];
}

// ---------------------------------------------------------------------------------------------
// Code blocks: pytest commands and thresholds.

/**
 * Checks for the pytest targets and metrics for the thresholds in the block's code, each with
 * the whole block as instructions (the commands that produce the results, verbatim). Bullets
 * that describe a target ("All 5 tests in `test_final_validation.py` MUST pass") name its check
 * and set its expectation; other bullets become items of their own. Undefined when the block
 * has neither commands nor thresholds.
 */
function automatedItems(title: string, nodes: RootContent[], scope: SectionScope): Draft[] | undefined {
  const code = nodes.filter(isCode).map((node) => node.value);
  const commands = code.flatMap((text) => pytestCommands(text));
  const thresholds = code.flatMap(commentLines).flatMap((line) => findThreshold(line, true) ?? []);
  if (commands.length === 0 && thresholds.length === 0) return undefined;

  const instructions = scope.src.ofAll(nodes) || undefined;
  const fresh = claimTargets(commands, title, scope);
  const bullets = nodes.filter(isList).flatMap((list) => list.children);
  const described = describingBullets(
    fresh.map((f) => f.target),
    bullets,
  );
  const checks = fresh.map(({ target, command }) => {
    const bullet = described.get(target);
    const bulletTitle = bullet ? plainText(bullet.children[0] ?? bullet) : undefined;
    const checkTitle =
      bulletTitle ??
      (fresh.length === 1 ? title : command.sharedComment === 1 && command.comment ? command.comment : `pytest ${target}`);
    const expectation = expectationFrom(bulletTitle ?? command.comment ?? "");
    return checkItem(checkTitle, target, expectation, instructions);
  });
  const metrics = thresholds.map((threshold) => {
    const subject = threshold.subject || title;
    const unit = threshold.unit ? ` ${threshold.unit}` : "";
    return metricItem(`${subject} ${threshold.operator} ${threshold.threshold}${unit}`, threshold, subject, instructions);
  });
  const taken = new Set(described.values());
  const others = bullets.filter((b) => !taken.has(b)).flatMap((li) => entryItems(listItemEntry(li, scope), scope));
  return [...checks, ...metrics, ...others];
}

/** Targets not checked by an earlier item, each once, with the command that named it first. */
function claimTargets(commands: PytestCommand[], where: string, scope: SectionScope) {
  const fresh: Array<{ target: string; command: PytestCommand }> = [];
  for (const command of commands) {
    for (const target of command.targets) {
      if (fresh.some((f) => f.target === target)) continue;
      if (scope.claim(target, where)) fresh.push({ target, command });
    }
  }
  return fresh;
}

function commentLines(code: string): string[] {
  return code
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.startsWith("#"))
    .map((line) => line.replace(/^#+\s*/, ""));
}

/**
 * Which bullet describes which target: first bullets that quote the file or test name, then
 * bullets whose words all appear in the target ("regression prevention" in
 * `...::TestRegressionPrevention`). Only bullets saying tests pass qualify; each is used once.
 */
function describingBullets(targets: string[], bullets: ListItem[]): Map<string, ListItem> {
  const described = new Map<string, ListItem>();
  const used = new Set<ListItem>();
  const quotes = (text: string, target: string) => targetNames(target).some((name) => text.toLowerCase().includes(name));
  const within = (text: string, target: string) => {
    const significant = significantWords(text);
    const targetWords = new Set(words(target));
    return significant.length > 0 && significant.every((w) => targetWords.has(w));
  };
  for (const matches of [quotes, within]) {
    for (const target of targets) {
      if (described.has(target)) continue;
      const bullet = bullets.find((b) => {
        const text = plainText(b);
        return !used.has(b) && saysTestsPass(text) && matches(text, target);
      });
      if (bullet) {
        described.set(target, bullet);
        used.add(bullet);
      }
    }
  }
  return described;
}

// ---------------------------------------------------------------------------------------------
// One item for a whole block.

function singleItem(title: string, nodes: RootContent[], scope: SectionScope): Draft {
  if (scope.phase === "rollback") {
    const text = [title, ...nodes.map((node) => plainText(node))].join(" ");
    const targets = nodes.filter(isCode).flatMap((code) => pytestCommands(code.value).flatMap((c) => c.targets));
    return watchItem(title, text, targets, scope.src.ofAll(nodes) || undefined);
  }
  const stepLists = nodes.filter(isList);
  const steps = stepLists.flatMap((list) => list.children.map((step) => plainText(step))).filter(Boolean);
  const kept = nodes.filter((node) => !isList(node) || losesInformationAsText(node));
  return manualItem(title, steps, scope.src.ofAll(kept) || undefined, true);
}

// ---------------------------------------------------------------------------------------------
// Item constructors.

function checkItem(title: string, target: string, expectation: ReturnType<typeof expectationFrom>, instructions?: string): Draft {
  return {
    item: {
      kind: "check",
      title,
      patterns: [target],
      expect: expectation ?? "all-pass",
      ...optional("instructions", instructions),
    },
  };
}

function metricItem(title: string, threshold: Threshold, subject: string, instructions?: string): Draft {
  return {
    item: {
      kind: "metric",
      title,
      metric: metricName(subject, threshold.unit),
      operator: threshold.operator,
      threshold: threshold.threshold,
      ...optional("unit", threshold.unit),
      ...optional("instructions", instructions),
    },
  };
}

function manualItem(title: string, steps: string[], instructions: string | undefined, required: boolean): Draft {
  return {
    item: {
      kind: "manual",
      title,
      required,
      role: "release-manager",
      steps,
      ...optional("instructions", instructions),
    },
  };
}

/**
 * A rollback criterion. A threshold in its text watches that metric; a pytest path watches that
 * check; "tests fail" prose watches a check chosen later; anything else watches an alert named
 * after the criterion ("WebSocket events not appearing in frontend" ->
 * `websocket-events-not-appearing-in-frontend`), for Alertmanager rules to fire under that name.
 */
function watchItem(title: string, text: string, targets: string[], instructions?: string): Draft {
  const base = { kind: "watch" as const, title, ...optional("instructions", instructions) };
  const threshold = findThreshold(text, false);
  if (threshold) {
    const name = metricName(threshold.subject || title, threshold.unit);
    return { item: { ...base, metric: { name, operator: threshold.operator, threshold: threshold.threshold } } };
  }
  if (targets[0]) return { item: { ...base, check: targets[0] } };
  if (saysTestsFail(text)) return { item: base, watchTestsFrom: text };
  return { item: { ...base, alert: alertName(title) } };
}

export const alertName = (title: string): string => slugify(withoutParentheticals(title), 100) || "alert";

// ---------------------------------------------------------------------------------------------
// Guarded paths: "Verify these files have NOT been modified without running tests:" followed
// by bullets that start with a file path in backticks.

const MODIFICATION = /\b(modif|chang|touch|edit)/i;
const PATH_LIKE = /^[\w.@-]+(\/[\w.@-]+)+\/?$|^[\w@-]+\.[a-z0-9]{1,6}$/i;

/**
 * The nodes without guarded-path lists (and the sentence introducing them, which only says
 * what a guarded path is); each path is reported through `scope.guard`.
 */
function withoutGuardedLists(nodes: RootContent[], title: string, scope: SectionScope): RootContent[] {
  const remaining: RootContent[] = [];
  for (const node of nodes) {
    const previous = remaining[remaining.length - 1];
    const leadIn = previous?.type === "paragraph" ? plainText(previous) : "";
    const paths = node.type === "list" ? guardedPaths(node, MODIFICATION.test(leadIn) ? leadIn : title) : undefined;
    if (!paths) {
      remaining.push(node);
      continue;
    }
    if (MODIFICATION.test(leadIn)) remaining.pop();
    paths.forEach((path) => scope.guard(path));
  }
  return remaining;
}

function guardedPaths(list: List, leadIn: string): GuardedDraft[] | undefined {
  if (!MODIFICATION.test(leadIn)) return undefined;
  const paths: GuardedDraft[] = [];
  for (const li of list.children) {
    const lead = li.children[0];
    const code = lead?.type === "paragraph" ? lead.children[0] : undefined;
    if (!lead || lead.type !== "paragraph" || code?.type !== "inlineCode" || !PATH_LIKE.test(code.value)) {
      return undefined;
    }
    const rest = collapse(
      [plainText({ type: "paragraph", children: lead.children.slice(1) }), ...li.children.slice(1).map((n) => plainText(n))].join(" "),
    );
    const note = rest.replace(/^[\s\-–—:,]+/, "");
    paths.push({ path: code.value, ...optional("lines", lineRange(note)), ...optional("note", note || undefined) });
  }
  return paths.length > 0 ? paths : undefined;
}

/** "Line 126-141", "lines 12 to 20", "L126-L141", "line 7" -> { from, to }. */
function lineRange(text: string): { from: number; to: number } | undefined {
  const match = /\b(?:lines?\s+|L)(\d+)(?:\s*(?:-|–|—|to)\s*L?(\d+))?\b/i.exec(text);
  if (!match) return undefined;
  const a = Number(match[1]);
  const b = Number(match[2] ?? match[1]);
  if (!(a > 0 && b > 0)) return undefined;
  return { from: Math.min(a, b), to: Math.max(a, b) };
}
