"use client";
// A command from a checklist's instructions, with a button that copies it exactly as written.
// A dark box in both schemes: in dark mode the mirrored palette (app/globals.css) would make it light.
import { useRef, useState, type ComponentProps } from "react";

export function CodeBlock(props: ComponentProps<"pre">) {
  const ref = useRef<HTMLPreElement>(null);
  const [copied, setCopied] = useState(false);

  async function copy() {
    const text = ref.current?.innerText ?? "";
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      setTimeout(() => setCopied(false), 1_500);
    } catch {
      setCopied(false);
    }
  }

  return (
    <div className="relative">
      <pre ref={ref} {...props} className="overflow-x-auto rounded bg-slate-900 p-2 pr-16 text-xs text-slate-100 dark:bg-slate-50 dark:text-slate-900 [&_code]:bg-transparent [&_code]:p-0" />
      <button
        type="button"
        onClick={copy}
        aria-label="Copy command"
        className="absolute right-1.5 top-1.5 rounded bg-slate-700 px-2 py-0.5 text-xs text-slate-100 hover:bg-slate-600 dark:bg-slate-300 dark:text-slate-900 dark:hover:bg-slate-400"
      >
        {copied ? "Copied" : "Copy"}
      </button>
    </div>
  );
}
