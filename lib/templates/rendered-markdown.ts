// Markdown rendered once, stored as data: a flat list of nodes from a fixed set of elements, and
// text. The page builds React elements from it (components/release/instructions.tsx), so text is
// always text: no HTML is ever parsed in the browser, and no attribute but the few below exists.
// Flat (each node names its parent) rather than nested, so the API can describe it without a
// recursive schema and nothing walks it recursively before it is shown.
// See docs/decisions/007-markdown-off-the-event-loop.md.

/** The elements a rendering may hold. `heading` shows as a bold paragraph; `plain` is text kept as written. */
export const RENDERED_TAGS = [
  "p",
  "heading",
  "plain",
  "a",
  "strong",
  "em",
  "del",
  "code",
  "pre",
  "ul",
  "ol",
  "li",
  "checkbox",
  "blockquote",
  "br",
  "hr",
  "table",
  "thead",
  "tbody",
  "tr",
  "th",
  "td",
  "sup",
  "div",
] as const;
export type RenderedTag = (typeof RENDERED_TAGS)[number];

export const CELL_ALIGNS = ["left", "center", "right"] as const;

export type RenderedText = { parent: number; text: string };
export type RenderedElement = {
  /** Index of an earlier node, or -1 for the top level. */
  parent: number;
  tag: RenderedTag;
  /** `a`: an http(s), mailto or relative link (see safeHref). */
  href?: string;
  /** `ol`: the first number. */
  start?: number;
  /** `checkbox`: a task list item's box. */
  checked?: boolean;
  /** `th`, `td`. */
  align?: (typeof CELL_ALIGNS)[number];
};
export type RenderedNode = RenderedText | RenderedElement;

export type RenderedMarkdown = { nodes: RenderedNode[] };

/** Text shown as written, line breaks kept: what is stored when rendering did not finish in time. */
export function plainRendering(text: string): RenderedMarkdown {
  return { nodes: [{ parent: -1, tag: "plain" }, { parent: 0, text }] };
}

/**
 * Links may go to http(s) and mailto addresses, or be relative; anything else (javascript:,
 * data:, vbscript:) is dropped. Checked when rendering and again when showing, so a stored
 * rendering cannot bring one back.
 */
export function safeHref(href: string): string | undefined {
  const scheme = /^([^:/?#]+):/.exec(href.trim());
  if (scheme && !/^(https?|mailto)$/i.test(scheme[1]!)) return undefined;
  return href;
}
