// Instructions as the template author wrote them in Markdown, from the rendering stored when the
// template was saved (lib/templates/rendered-markdown.ts): nothing is parsed here. Each node
// becomes a fixed React element and text stays text, so no markup from the author can make an
// element of its own, and a link keeps only a safe address.
import { createElement, type ReactNode } from "react";
import { RENDERED_TAGS, safeHref, type RenderedElement, type RenderedMarkdown, type RenderedNode } from "@/lib/templates/rendered-markdown";
import { CodeBlock } from "./code-block";

const KNOWN = new Set<string>(RENDERED_TAGS);
const ALIGN: Record<string, string> = { left: "text-left", center: "text-center", right: "text-right" };

function element(node: RenderedElement, key: number, children: ReactNode[]): ReactNode {
  switch (node.tag) {
    case "a": {
      const href = node.href === undefined ? undefined : safeHref(node.href);
      if (!href) return <span key={key}>{children}</span>;
      return (
        <a key={key} href={href} className="text-sky-700 underline" target="_blank" rel="noopener noreferrer">
          {children}
        </a>
      );
    }
    // Headings become bold paragraphs: real h1-h3 inside an item would break the page's outline.
    case "heading":
      return <p key={key} className="font-semibold">{children}</p>;
    case "plain":
      return <p key={key} className="whitespace-pre-wrap [overflow-wrap:anywhere]">{children}</p>;
    case "p":
      return <p key={key} className="[overflow-wrap:anywhere]">{children}</p>;
    case "ul":
      return <ul key={key} className="list-disc space-y-0.5 pl-5">{children}</ul>;
    case "ol":
      return <ol key={key} start={node.start} className="list-decimal space-y-0.5 pl-5">{children}</ol>;
    case "pre":
      return <CodeBlock key={key}>{children}</CodeBlock>;
    case "code":
      return <code key={key} className="rounded bg-slate-200/70 px-1 font-mono text-[0.85em]">{children}</code>;
    case "checkbox":
      return <input key={key} type="checkbox" checked={node.checked === true} disabled readOnly className="mr-1 align-middle" />;
    case "blockquote":
      return <blockquote key={key} className="border-l-2 border-slate-300 pl-2 text-slate-600">{children}</blockquote>;
    case "table":
      return (
        <div key={key} className="overflow-x-auto">
          <table className="text-left text-xs">{children}</table>
        </div>
      );
    case "th":
    case "td":
      return createElement(node.tag, { key, className: `border border-slate-200 px-1.5 py-0.5 ${ALIGN[node.align ?? ""] ?? ""}` }, children);
    case "br":
    case "hr":
      return createElement(node.tag, { key });
    default:
      return createElement(node.tag, { key }, children);
  }
}

/** React elements from the flat node list: each node under the earlier node it names as parent. */
function build(nodes: RenderedNode[]): ReactNode[] {
  const children: ReactNode[][] = nodes.map(() => []);
  const top: ReactNode[] = [];
  // Children come after their parent, so building from the end finds each parent's list complete.
  for (let index = nodes.length - 1; index >= 0; index--) {
    const node = nodes[index]!;
    let made: ReactNode;
    if ("text" in node && typeof node.text === "string") made = node.text;
    else if ("tag" in node && KNOWN.has(node.tag)) made = element(node, index, children[index]!.reverse());
    else continue;
    const into = node.parent >= 0 && node.parent < index ? children[node.parent]! : top;
    into.push(made);
  }
  return top.reverse();
}

export function Instructions({ rendered }: { rendered: RenderedMarkdown }) {
  return <div className="mt-1 space-y-2 rounded bg-slate-50 p-2 text-sm text-slate-700">{build(rendered.nodes)}</div>;
}
