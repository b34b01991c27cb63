// Markdown text -> a tree (mdast, via micromark with GFM) and its heading outline, plus the
// helpers that read nodes back as plain text or as their original Markdown source.
import type { Heading, Nodes, Root, RootContent } from "mdast";
import { fromMarkdown } from "mdast-util-from-markdown";
import { gfmFromMarkdown } from "mdast-util-gfm";
import { toString } from "mdast-util-to-string";
import { gfm } from "micromark-extension-gfm";
import { MarkdownImportError } from "./markdown-error";
import { collapse } from "./markdown-text";

/**
 * Deeper nesting than this is not a checklist. micromark's time grows much faster than the
 * depth (measured: 400 nested list levels 2 s, 800 levels 17 s, 50,000 `>` on one line over a
 * minute), and deep trees would overflow the stack of any recursive walk, so it is refused.
 */
export const MAX_NESTING = 100;

/**
 * Text the parser and the database can both take: one line-ending style (so the same document
 * saved on Windows imports identically), no byte-order mark, and no NUL or lone UTF-16
 * surrogates, which PostgreSQL text cannot store. Those become U+FFFD, with a warning.
 */
export function normaliseText(markdown: string, warnings: string[]): string {
  let replaced = 0;
  const text = markdown
    .replace(/^\uFEFF/, "")
    .replace(/\r\n?/g, "\n")
    .replace(/\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, () => {
      replaced++;
      return "\uFFFD";
    });
  if (replaced > 0) {
    warnings.push(`Replaced ${replaced} invalid character${replaced === 1 ? "" : "s"} (NUL or broken UTF-16) with "\uFFFD".`);
  }
  return text;
}

export function parseMarkdown(text: string): Root {
  refuseDeepNesting(text);
  let root: Root;
  try {
    root = fromMarkdown(text, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
  } catch (error) {
    // The parser recurses per nesting level: thousands of nested quotes overflow the stack.
    throw new MarkdownImportError(
      `This Markdown could not be read (${error instanceof RangeError ? "it is nested too deeply" : "the parser failed"}).`,
    );
  }
  // A safety net behind the estimate below: each list level is two tree levels (list, item).
  if (nestingDepth(root) > 2 * MAX_NESTING + 8) throw tooDeep();
  return root;
}

const tooDeep = (line?: number) =>
  new MarkdownImportError(
    `This Markdown nests lists or quotes more than ${MAX_NESTING} levels deep${line ? ` (line ${line})` : ""}.`,
  );

/**
 * Refuses, before parsing, a line that could open more than MAX_NESTING containers: count the
 * quote and list markers it starts with, plus one level per two columns of indentation (how
 * far nested lists indent). This over-estimates (code-block lines count too) and only decides
 * whether to parse at all; the document itself is read by micromark.
 */
function refuseDeepNesting(text: string): void {
  let lineNumber = 0;
  for (const line of text.split("\n")) {
    lineNumber++;
    let columns = 0;
    let markers = 0;
    for (let i = 0; i < line.length; i++) {
      const char = line[i]!;
      if (char === " ") columns++;
      else if (char === "\t") columns += 4;
      else if (char === ">") markers++;
      else if ("-*+".includes(char) && /^[ \t]?$/.test(line[i + 1] ?? "")) markers++;
      else {
        const ordered = /^\d{1,9}[.)](?=[ \t]|$)/.exec(line.slice(i, i + 11));
        if (!ordered) break;
        markers++;
        i += ordered[0].length - 1;
      }
    }
    if (markers + Math.floor(columns / 2) > MAX_NESTING) throw tooDeep(lineNumber);
  }
}

/** Deepest nesting, computed without recursion so that measuring it cannot overflow. */
function nestingDepth(root: Root): number {
  let deepest = 0;
  const stack: Array<[Nodes, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    deepest = Math.max(deepest, depth);
    if ("children" in node) for (const child of node.children) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** Whether the document has anything a checklist could come from. */
export function hasStructure(root: Root): boolean {
  const stack: Nodes[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === "heading" || node.type === "listItem" || node.type === "table") return true;
    if ("children" in node) stack.push(...node.children);
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Plain text.

const BLOCK_CONTAINERS = new Set(["root", "blockquote", "list", "listItem", "footnoteDefinition", "table"]);

/**
 * A node as one line of plain text. `toString` glues block children together without a space
 * ("Deploy" + "Verify" -> "DeployVerify"), so containers join their children with spaces.
 * HTML stays as its literal text: nothing is interpreted.
 */
export function plainText(node: Nodes): string {
  if (node.type === "tableRow") return node.children.map((cell) => plainText(cell)).join(" | ");
  if (BLOCK_CONTAINERS.has(node.type) && "children" in node) {
    return collapse(node.children.map((child) => plainText(child)).join(" "));
  }
  return collapse(toString(node));
}

/** Paragraph content that plain text would lose: links, images, raw HTML, footnotes. */
export function losesInformationAsText(node: Nodes): boolean {
  const stack: Nodes[] = [node];
  while (stack.length > 0) {
    const current = stack.pop()!;
    if (["link", "image", "linkReference", "imageReference", "html", "footnoteReference"].includes(current.type)) {
      return true;
    }
    if ("children" in current) stack.push(...current.children);
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// The original Markdown of nodes, for instructions: code fences, links and HTML stay verbatim.

export class MarkdownSource {
  constructor(readonly text: string) {}

  /** One node's source, dedented when it sat inside a list item. */
  of(node: Nodes): string {
    const start = node.position?.start;
    const end = node.position?.end;
    if (start?.offset === undefined || end?.offset === undefined) return plainText(node);
    const indent = start.column - 1;
    const lines = this.text.slice(start.offset, end.offset).split("\n");
    const dedented = lines.map((line, i) => (i === 0 || indent === 0 ? line : stripIndent(line, indent)));
    return dedented.join("\n").trimEnd();
  }

  /** Several block nodes, one blank line apart; thematic breaks (`---`) are decoration and dropped. */
  ofAll(nodes: readonly Nodes[]): string {
    return nodes
      .filter((node) => node.type !== "thematicBreak")
      .map((node) => this.of(node))
      .filter(Boolean)
      .join("\n\n");
  }

  /** The inline content of a table cell, without the surrounding pipes. */
  ofInline(children: readonly Nodes[]): string {
    const first = children[0]?.position?.start.offset;
    const last = children[children.length - 1]?.position?.end.offset;
    if (first === undefined || last === undefined) return children.map((c) => plainText(c)).join("");
    return this.text.slice(first, last).trim();
  }
}

function stripIndent(line: string, indent: number): string {
  let i = 0;
  while (i < indent && line[i] === " ") i++;
  return line.slice(i);
}

// ---------------------------------------------------------------------------------------------
// The heading outline.

export interface OutlineNode {
  heading: Heading;
  depth: number;
  /** The heading as plain text ("üö® CRITICAL: WebSocket Agent Events", odd bytes and all). */
  title: string;
  /** Content between this heading and the next heading of any depth. */
  body: RootContent[];
  children: OutlineNode[];
}

export interface Outline {
  /** The document's title: a first `#` heading that is the only one of its depth. */
  title?: OutlineNode;
  /** Content before the first heading, plus the title's own body. */
  preamble: RootContent[];
  top: OutlineNode[];
  /**
   * The heading depth that makes sections. With two or more depths below the title, the
   * deepest one names items and the one above it sections, and shallower headings only group
   * sections (the fixture: `##` groups, `###` sections, `####` items). With one depth, that
   * depth makes sections and list items make items.
   */
  sectionDepth: number;
}

export function outlineOf(root: Root): Outline {
  const preamble: RootContent[] = [];
  const top: OutlineNode[] = [];
  const all: OutlineNode[] = [];
  const open: OutlineNode[] = [];
  for (const node of root.children) {
    if (node.type !== "heading") {
      (open[open.length - 1]?.body ?? preamble).push(node);
      continue;
    }
    const entry: OutlineNode = { heading: node, depth: node.depth, title: plainText(node), body: [], children: [] };
    while (open.length > 0 && open[open.length - 1]!.depth >= node.depth) open.pop();
    (open[open.length - 1]?.children ?? top).push(entry);
    open.push(entry);
    all.push(entry);
  }
  const first = all[0];
  const isTitle = first?.depth === 1 && top[0] === first && all.filter((n) => n.depth === 1).length === 1;
  if (isTitle) {
    top.shift();
    top.unshift(...first.children);
    preamble.push(...first.body);
  }
  const depths = [...new Set(all.filter((n) => !(isTitle && n === first)).map((n) => n.depth))].sort((a, b) => a - b);
  const sectionDepth = depths.length >= 2 ? depths[depths.length - 2]! : (depths[0] ?? 1);
  return { ...(isTitle ? { title: first } : {}), preamble, top, sectionDepth };
}

/** A heading's body followed by its sub-headings and their bodies, in document order. */
export function spanOf(node: OutlineNode): RootContent[] {
  return [...node.body, ...node.children.flatMap((child) => [child.heading, ...spanOf(child)])];
}
