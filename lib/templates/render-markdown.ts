// A template author's Markdown (an item's instructions, the rollback instructions) -> the stored
// rendering the pages show (rendered-markdown.ts). Parsed as the importer parses (micromark with
// GFM), turned into HTML's tree by mdast-util-to-hast, then copied into the rendering through an
// allow-list: a known element keeps only the attributes listed, anything else keeps only its text.
// Raw HTML in the source stays literal text. Images become links to them: the pages' Content
// Security Policy would not load an outside image anyway.
//
// Runs in the Markdown worker (markdown-worker.ts), within its time budget: parsing some shapes
// takes seconds (20,000 "[" took 2 s), which must never hold up the server's event loop.
import type { Element, Nodes as HastNodes, Root as HastRoot } from "hast";
import { fromMarkdown } from "mdast-util-from-markdown";
import { gfmFromMarkdown } from "mdast-util-gfm";
import { toHast } from "mdast-util-to-hast";
import { gfm } from "micromark-extension-gfm";
import { CELL_ALIGNS, plainRendering, safeHref, type RenderedElement, type RenderedMarkdown, type RenderedNode, type RenderedTag } from "./rendered-markdown";

/** Deeper nesting is shown as the text it holds: no checklist nests quotes or lists this far. */
export const MAX_RENDERED_DEPTH = 32;

const TAGS: Record<string, RenderedTag> = {
  p: "p",
  h1: "heading",
  h2: "heading",
  h3: "heading",
  h4: "heading",
  h5: "heading",
  h6: "heading",
  a: "a",
  strong: "strong",
  em: "em",
  del: "del",
  code: "code",
  pre: "pre",
  ul: "ul",
  ol: "ol",
  li: "li",
  blockquote: "blockquote",
  br: "br",
  hr: "hr",
  table: "table",
  thead: "thead",
  tbody: "tbody",
  tr: "tr",
  th: "th",
  td: "td",
  sup: "sup",
  // GFM footnotes are gathered into a <section> at the end.
  section: "div",
};

/** Elements whose whitespace-only text children are layout, which HTML does not allow in tables. */
const NO_LOOSE_TEXT = new Set<RenderedTag>(["ul", "ol", "table", "thead", "tbody", "tr", "blockquote", "div"]);

export function renderMarkdown(markdown: string): RenderedMarkdown {
  let tree: HastRoot;
  try {
    const mdast = fromMarkdown(markdown, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
    tree = toHast(mdast, { allowDangerousHtml: true }) as HastRoot;
  } catch (error) {
    // The parser and the tree conversion recurse per nesting level: thousands of nested quotes
    // overflow the stack. Such text is shown as written.
    if (error instanceof RangeError) return plainRendering(markdown);
    throw error;
  }
  return flatten(tree);
}

/** The tree, copied through the allow-list, without recursion (depth is unbounded in the input). */
function flatten(root: HastRoot): RenderedMarkdown {
  const nodes: RenderedNode[] = [];
  const stack: Array<{ node: HastNodes; parent: number; depth: number; parentTag: RenderedTag | null }> = [];
  const pushChildren = (children: HastNodes[], parent: number, depth: number, parentTag: RenderedTag | null) => {
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i]!, parent, depth, parentTag });
  };
  pushChildren(root.children, -1, 0, null);
  while (stack.length > 0) {
    const { node, parent, depth, parentTag } = stack.pop()!;
    if (node.type === "text" || node.type === "raw") {
      if (/^\s*$/.test(node.value) && (parentTag === null || NO_LOOSE_TEXT.has(parentTag))) continue;
      nodes.push({ parent, text: node.value });
      continue;
    }
    if (node.type !== "element") continue;
    if (depth >= MAX_RENDERED_DEPTH) {
      nodes.push({ parent, text: textOf(node) });
      continue;
    }
    const element = elementOf(node, parent);
    if (!element) {
      // Not on the list (an image, a footnote's hidden label): what it says, as text.
      if (node.tagName === "img") {
        const href = safeHref(String(node.properties.src ?? ""));
        const label = String(node.properties.alt ?? "") || String(node.properties.src ?? "image");
        if (href) {
          nodes.push({ parent, tag: "a", href });
          nodes.push({ parent: nodes.length - 1, text: label });
        } else nodes.push({ parent, text: label });
        continue;
      }
      pushChildren(node.children, parent, depth, parentTag);
      continue;
    }
    nodes.push(element);
    pushChildren(node.children, nodes.length - 1, depth + 1, element.tag);
  }
  return { nodes };
}

function elementOf(node: Element, parent: number): RenderedElement | undefined {
  const { tagName, properties } = node;
  if (tagName === "input") return properties.type === "checkbox" ? { parent, tag: "checkbox", checked: properties.checked === true } : undefined;
  const tag = TAGS[tagName];
  if (!tag) return undefined;
  const element: RenderedElement = { parent, tag };
  if (tag === "a") {
    const href = safeHref(String(properties.href ?? ""));
    if (href) element.href = href;
  }
  if (tag === "ol" && typeof properties.start === "number" && Number.isSafeInteger(properties.start)) element.start = properties.start;
  if ((tag === "th" || tag === "td") && CELL_ALIGNS.includes(properties.align as (typeof CELL_ALIGNS)[number])) {
    element.align = properties.align as (typeof CELL_ALIGNS)[number];
  }
  return element;
}

/** All text under a node, without recursion. */
function textOf(node: HastNodes): string {
  let text = "";
  const stack: HastNodes[] = [node];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (next.type === "text" || next.type === "raw") text += next.value;
    else if ("children" in next) for (let i = next.children.length - 1; i >= 0; i--) stack.push(next.children[i]!);
  }
  return text;
}
