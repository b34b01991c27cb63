// An item's instructions, written in Markdown by the template author. react-markdown builds React
// elements: raw HTML in the source shows as text, and unsafe link protocols are dropped.
import Markdown, { type Components } from "react-markdown";
import remarkGfm from "remark-gfm";
import { CodeBlock } from "./code-block";

/** react-markdown passes its syntax-tree node along; it must not reach the DOM as an attribute. */
function dom<T extends { node?: unknown }>(props: T): Omit<T, "node"> {
  const copy = { ...props };
  delete copy.node;
  return copy;
}

// Headings become bold paragraphs: real h1-h3 inside an item would break the page's outline.
const components: Components = {
  p: (props) => <p {...dom(props)} />,
  a: (props) => <a className="text-sky-700 underline" target="_blank" rel="noopener noreferrer" {...dom(props)} />,
  ul: (props) => <ul className="list-disc space-y-0.5 pl-5" {...dom(props)} />,
  ol: (props) => <ol className="list-decimal space-y-0.5 pl-5" {...dom(props)} />,
  pre: (props) => <CodeBlock {...dom(props)} />,
  code: (props) => <code className="rounded bg-slate-200/70 px-1 font-mono text-[0.85em]" {...dom(props)} />,
  h1: (props) => <p className="font-semibold" {...dom(props)} />,
  h2: (props) => <p className="font-semibold" {...dom(props)} />,
  h3: (props) => <p className="font-semibold" {...dom(props)} />,
};

export function Instructions({ source }: { source: string }) {
  return (
    <div className="mt-1 space-y-2 rounded bg-slate-50 p-2 text-sm text-slate-700">
      <Markdown remarkPlugins={[remarkGfm]} components={components}>
        {source}
      </Markdown>
    </div>
  );
}
