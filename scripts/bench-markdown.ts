// `npm run bench:markdown`: what reading Markdown in a worker thread costs per import, beside the
// same work done in-process (docs/decisions/007-markdown-off-the-event-loop.md). First in this
// process, through the same pool the app uses; then against the built app over HTTP.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { createApiToken } from "@/lib/server/create-api-token";
import { createProject } from "@/lib/server/create-project";
import { importMarkdownChecklist } from "@/lib/templates/markdown-import";
import { templateSources } from "@/lib/templates/markdown-jobs";
import { closeMarkdownPool, importMarkdownOffThread, renderOffThread } from "@/lib/templates/markdown-pool";
import { renderMarkdown } from "@/lib/templates/render-markdown";
import { freshDatabase, startApp } from "./lib/app-under-test";

const root = process.cwd();
const say = (msg: string) => console.log(`[bench] ${msg}`);
const PORT = Number(process.env.BENCH_PORT ?? 3400);
const RUNS = 20;
const system = { principal: { kind: "system" as const, label: "bench" } };

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
async function time(work: () => unknown): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}
async function medianOf(work: () => unknown): Promise<number> {
  const runs: number[] = [];
  for (let run = 0; run < RUNS; run++) runs.push(await time(work));
  return median(runs);
}
const ms = (value: number) => `${value.toFixed(1)} ms`;

async function main() {
  const checklist = await readFile(path.join(root, "prisma/seed/deployment-checklist.md"), "utf8");
  const rows: [string, string][] = [];

  // The same work the worker does for an import: read the checklist, render its texts.
  const inProcess = () => {
    const imported = importMarkdownChecklist(checklist);
    for (const { markdown } of templateSources(imported.template)) renderMarkdown(markdown);
    if (imported.template.description) renderMarkdown(imported.template.description);
  };
  const coldStart = await time(() => renderOffThread([{ path: "x", markdown: "x" }], 60_000));
  for (let run = 0; run < 5; run++) {
    inProcess();
    await importMarkdownOffThread(checklist, {}, 60_000);
  }
  const trivial = await medianOf(() => renderOffThread([{ path: "x", markdown: "x" }], 60_000));
  const local = await medianOf(inProcess);
  const pooled = await medianOf(() => importMarkdownOffThread(checklist, {}, 60_000));
  await closeMarkdownPool();
  rows.push(["worker start, from nothing to its first answer (this process)", ms(coldStart)]);
  rows.push(["warm worker, round trip of a one-character job", ms(trivial)]);
  rows.push(["team checklist (4.7 KB), read and rendered in-process", ms(local)]);
  rows.push(["the same in a warm worker", `${ms(pooled)}: ${ms(pooled - local)} more per import`]);

  const database = await freshDatabase(root, { prefix: "shipcheck_bench", embeddedDir: "pg-bench", embeddedPort: 54331, say });
  process.env.DATABASE_URL = database.databaseUrl;
  const app = await startApp(root, { port: PORT, databaseUrl: database.databaseUrl, say, extraEnv: { SHIPCHECK_RATE_LIMIT_PER_MINUTE: "100000000" } });
  try {
    await createProject(system, { slug: "bench", name: "Bench", environments: ["staging", "production"] });
    const token = (await createApiToken(system, { project: "bench", name: "bench" })).token;
    const post = (type: string) => async () => {
      const response = await fetch(`${app.baseUrl}/api/v1/projects/bench/templates/netra/import`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": type },
        body: checklist,
      });
      await response.arrayBuffer();
    };
    // Answered 415 before any Markdown is read: the HTTP, auth and routing part of a request.
    await post("application/octet-stream")();
    const first = await time(post("text/markdown"));
    const warm = await medianOf(post("text/markdown"));
    const refused = await medianOf(post("application/octet-stream"));
    rows.push(["built app: first import after start (starts the worker)", ms(first)]);
    rows.push(["built app: import, warm worker", ms(warm)]);
    rows.push(["built app: the same request refused before reading (415)", ms(refused)]);
  } finally {
    await app.stop();
    await database.drop();
  }

  const width = Math.max(...rows.map(([label]) => label.length));
  console.log(`\nMarkdown worker, medians of ${RUNS} runs:\n`);
  for (const [label, value] of rows) console.log(`  ${label.padEnd(width)}  ${value}`);
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(`[bench] ${error.stack ?? error.message}`);
    process.exit(1);
  },
);
