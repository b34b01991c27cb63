// The Markdown worker pool: jobs run in worker threads, within a time budget; a worker past it is
// terminated and the job fails with an error naming the budget, while the event loop stays free.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { MarkdownImportError } from "./markdown-error";
import { importMarkdownChecklist } from "./markdown-import";
import { templateSources } from "./markdown-jobs";
import {
  closeMarkdownPool,
  DEFAULT_MARKDOWN_BUDGET_MS,
  importMarkdownOffThread,
  markdownBudgetMs,
  MarkdownBudgetError,
  markdownPoolState,
  parseTemplateOffThread,
  renderOffThread,
} from "./markdown-pool";
import { parseTemplate } from "./parse";
import { renderMarkdown } from "./render-markdown";

const fixture = readFileSync(fileURLToPath(new URL("../../prisma/seed/deployment-checklist.md", import.meta.url)), "utf8");
const golden = readFileSync(fileURLToPath(new URL("./__golden__/deployment-checklist.template.json", import.meta.url)), "utf8");
/** 60,000 "*a": 120 KB, under the size limit, and about 25 s of parsing (quadratic in micromark). */
const HOSTILE = "*a".repeat(60_000);

// Starting the first worker bundles it (markdown-worker-source.ts) when the cache is cold.
vi.setConfig({ testTimeout: 60_000 });
afterEach(() => vi.unstubAllEnvs());
afterAll(() => closeMarkdownPool());

/** Runs `work` while measuring how late a 10 ms timer fires on this thread: the event loop's stall. */
async function loopStall<T>(work: () => Promise<T>): Promise<{ outcome: PromiseSettledResult<T>; worstLagMs: number; elapsedMs: number }> {
  let worstLagMs = 0;
  let last = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    worstLagMs = Math.max(worstLagMs, now - last - 10);
    last = now;
  }, 10);
  const started = performance.now();
  const [outcome] = await Promise.allSettled([work()]);
  const elapsedMs = performance.now() - started;
  clearInterval(ticker);
  return { outcome, worstLagMs, elapsedMs };
}

describe("markdownBudgetMs", () => {
  it("is SHIPCHECK_MARKDOWN_BUDGET_MS, or 3 s when that is unset or not a positive whole number", () => {
    expect(markdownBudgetMs()).toBe(DEFAULT_MARKDOWN_BUDGET_MS);
    expect(DEFAULT_MARKDOWN_BUDGET_MS).toBe(3_000);
    vi.stubEnv("SHIPCHECK_MARKDOWN_BUDGET_MS", "750");
    expect(markdownBudgetMs()).toBe(750);
    for (const bad of ["", "0", "-5", "1.5", "soon"]) {
      vi.stubEnv("SHIPCHECK_MARKDOWN_BUDGET_MS", bad);
      expect(markdownBudgetMs()).toBe(DEFAULT_MARKDOWN_BUDGET_MS);
    }
  });
});

describe("importing in a worker", () => {
  it("gives exactly what importing in-process gives for the team's checklist (the golden template)", async () => {
    const { imported, rendered } = await importMarkdownOffThread(fixture, { environments: ["staging", "production"] }, 30_000);
    expect(imported).toEqual(importMarkdownChecklist(fixture, { environments: ["staging", "production"] }));
    // The golden file is the reviewed template, key order aside.
    expect(imported.template).toEqual(JSON.parse(golden));
    // ...with every item's instructions, the rollback instructions and the description rendered.
    const sources = templateSources(imported.template);
    expect(Object.keys(rendered).sort()).toEqual([...sources.map((s) => s.path), "description"].sort());
    for (const { path, markdown } of sources) expect(rendered[path]).toEqual(renderMarkdown(markdown));
  });

  it("passes the importer's refusal on as a MarkdownImportError with its message", async () => {
    const refused = importMarkdownOffThread("Just a sentence, nothing to check.", {}, 30_000);
    await expect(refused).rejects.toBeInstanceOf(MarkdownImportError);
    await expect(refused).rejects.toThrow(/Nothing to import/);
  });

  it("terminates a worker past the budget and says so, while this thread's event loop keeps running", async () => {
    // Warm the pool first, so the budget below measures the parse, not starting a thread.
    await importMarkdownOffThread("# Checklist\n\n- [ ] Tests pass", {}, 30_000);
    const before = markdownPoolState();
    const budget = 400;
    const { outcome, worstLagMs, elapsedMs } = await loopStall(() => importMarkdownOffThread(HOSTILE, {}, budget));

    expect(outcome.status).toBe("rejected");
    const error = (outcome as PromiseRejectedResult).reason as MarkdownBudgetError;
    expect(error).toBeInstanceOf(MarkdownBudgetError);
    expect(error.budgetMs).toBe(budget);
    expect(error.message).toBe("reading the Markdown took longer than its budget of 400 ms (SHIPCHECK_MARKDOWN_BUDGET_MS), so it was stopped");
    // Stopped at the budget, not when the parse would have ended (seconds later).
    expect(elapsedMs).toBeGreaterThanOrEqual(budget - 5);
    expect(elapsedMs).toBeLessThan(budget + 1_500);
    // Parsing in-process would hold this thread for the whole parse; here it only waited.
    expect(worstLagMs).toBeLessThan(250);
    // The busy worker is gone, not back in the pool.
    expect(markdownPoolState().live).toBe(before.live - 1);

    // The next job gets a fresh worker and works.
    const next = await importMarkdownOffThread("# Checklist\n\n- [ ] Tests pass", {}, 30_000);
    expect(next.imported.template.sections[0]!.items[0]!.title).toBe("Tests pass");
  }, 60_000);

  it("reuses a worker for the next job instead of starting one", async () => {
    await importMarkdownOffThread("# A\n\n- [ ] one", {}, 30_000);
    const live = markdownPoolState().live;
    await importMarkdownOffThread("# B\n\n- [ ] two", {}, 30_000);
    expect(markdownPoolState()).toMatchObject({ live, idle: live, waiting: 0 });
  });
});

describe("rendering in a worker", () => {
  it("renders each text, keyed by its path, as renderMarkdown does", async () => {
    const sources = [
      { path: "sections.0.items.0.instructions", markdown: "Run `make deploy`, then **check** [the board](https://example.com)." },
      { path: "rollback.instructions", markdown: "1. Revert\n2. Page the on-call" },
    ];
    const rendered = await renderOffThread(sources, 30_000);
    expect(rendered).toEqual(Object.fromEntries(sources.map((s) => [s.path, renderMarkdown(s.markdown)])));
  });

  it("past the budget, names the text it was reading and keeps the ones already done", async () => {
    await renderOffThread([{ path: "warm", markdown: "x" }], 30_000);
    const sources = [
      { path: "sections.0.items.0.instructions", markdown: "Fine." },
      { path: "sections.0.items.1.instructions", markdown: "[".repeat(60_000) },
      { path: "sections.0.items.2.instructions", markdown: "Never reached." },
    ];
    const error = (await renderOffThread(sources, 300).catch((e: unknown) => e)) as MarkdownBudgetError;
    expect(error).toBeInstanceOf(MarkdownBudgetError);
    expect(error.at).toBe("sections.0.items.1.instructions");
    expect(error.done).toEqual({ "sections.0.items.0.instructions": renderMarkdown("Fine.") });
  });
});

describe("reading a template in a worker", () => {
  const template = (instructions: string[]) =>
    [
      "name: t",
      "sections:",
      "  - title: Checks",
      "    phase: pre-deploy",
      "    items:",
      ...instructions.flatMap((text, i) => [`      - key: c${i}`, `        title: C${i}`, "        kind: manual", `        instructions: ${JSON.stringify(text)}`]),
    ].join("\n");

  it("validates as parseTemplate does, and renders the texts of a valid template", async () => {
    const valid = template(["Run **it**.", "Then `check`."]);
    const { parsed, rendered } = await parseTemplateOffThread(valid, 30_000);
    expect(parsed).toEqual(parseTemplate(valid));
    expect(rendered).toEqual({ "sections.0.items.0.instructions": renderMarkdown("Run **it**."), "sections.0.items.1.instructions": renderMarkdown("Then `check`.") });

    const invalid = `${valid}\n        approvals: 0`;
    const refused = await parseTemplateOffThread(invalid, 30_000);
    expect(refused).toEqual({ parsed: parseTemplate(invalid), rendered: {} });
    expect(refused.parsed.ok).toBe(false);
  });

  it("past the budget, names the instructions it was rendering", async () => {
    await parseTemplateOffThread(template(["warm"]), 30_000);
    const slow = "[".repeat(19_900);
    const error = (await parseTemplateOffThread(template(["Fine.", slow, slow, slow]), 300).catch((e: unknown) => e)) as MarkdownBudgetError;
    expect(error).toBeInstanceOf(MarkdownBudgetError);
    expect(error.at).toMatch(/^sections\.0\.items\.[123]\.instructions$/);
    expect(Object.keys(error.done)).toContain("sections.0.items.0.instructions");
    expect(error.at! in error.done).toBe(false);
  });
});
