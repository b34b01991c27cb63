// The Markdown worker thread: parses and renders Markdown away from the server's event loop.
// Started by markdown-pool.ts, which stops it when a job outlives its time budget; nothing here
// needs to watch the clock. Jobs come one at a time.
import { parentPort } from "node:worker_threads";
import { countResults, type ResultCount } from "../ingest/count-results";
import { readJUnit, type JUnitOutcome } from "../ingest/junit-job";
import { importMarkdownChecklist, MarkdownImportError } from "./markdown-import";
import { templateSources, type FromWorker, type ImportOutcome, type MarkdownJob, type RenderSource, type TemplateOutcome, type ToWorker } from "./markdown-jobs";
import { parseTemplate } from "./parse";
import { renderMarkdown } from "./render-markdown";
import type { RenderedMarkdown } from "./rendered-markdown";

const port = parentPort;
if (!port) throw new Error("markdown-worker.ts runs as a worker thread (see markdown-pool.ts)");
const send = (message: FromWorker) => port.postMessage(message);

function run(id: number, job: MarkdownJob): ImportOutcome | TemplateOutcome | ResultCount | JUnitOutcome | undefined {
  if (job.kind === "count-results") return countResults(job.text);
  if (job.kind === "junit") return readJUnit(job.text, job.options, job.url);
  if (job.kind === "import") {
    const imported = importMarkdownChecklist(job.markdown, job.options);
    const sources = templateSources(imported.template);
    if (imported.template.description) sources.push({ path: "description", markdown: imported.template.description });
    const rendered: Record<string, RenderedMarkdown> = {};
    for (const { path, markdown } of sources) rendered[path] = renderMarkdown(markdown);
    return { imported, rendered };
  }
  if (job.kind === "template") {
    // YAML of a large template takes a second or two to read: that, too, is done here.
    const parsed = parseTemplate(job.source);
    if (!parsed.ok) return { parsed, rendered: {} };
    const sources = templateSources(parsed.template);
    send({ id, type: "parsed", paths: sources.map((s) => s.path) });
    return { parsed, rendered: renderEach(id, sources) };
  }
  renderEach(id, job.sources);
  return undefined;
}

/** One message per text, so what was done before the budget ran out is not lost. */
function renderEach(id: number, sources: RenderSource[]): Record<string, RenderedMarkdown> {
  const rendered: Record<string, RenderedMarkdown> = {};
  for (const { path, markdown } of sources) {
    rendered[path] = renderMarkdown(markdown);
    send({ id, type: "rendered", path, rendered: rendered[path] });
  }
  return rendered;
}

port.on("message", ({ id, job }: ToWorker) => {
  try {
    send({ id, type: "done", result: run(id, job) });
  } catch (error) {
    if (error instanceof MarkdownImportError) send({ id, type: "refused", message: error.message });
    else send({ id, type: "failed", message: error instanceof Error ? error.message : String(error) });
  }
});

send({ type: "ready" });
