// No Markdown may stall the server: importing is done in a worker with a time budget, and
// instructions are rendered once, when a template is saved, never while a release page is viewed.
// Each hostile input here used to hold the event loop for seconds while /api/health waited with
// it. They use a shape micromark reads in quadratic time, "*a" over and over (measured in-thread:
// 10,000 pairs 0.7-0.9 s, 40,000 pairs 11-16 s), so they stay far past the budget on a faster
// machine too; a run of "[" is read in linear time and only looked slow on a loaded one.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import type { Prisma } from "@/generated/prisma/client";
import { db } from "@/lib/db/client";
import { formatBudget, markdownBudgetMs } from "@/lib/templates/markdown-pool";
import type { RenderedMarkdown } from "@/lib/templates/rendered-markdown";
import { makeProject, randomSha } from "../support/fixtures";
import { api, baseUrl } from "../support/http";
import { expectApiError } from "../support/errors";
import { importMarkdown, person, putTemplate, releaseItems, templateVersions } from "../support/templates";

/** The app's budget: the tests run with the app's environment. */
const BUDGET = markdownBudgetMs();
/**
 * Room for a request's own work and a shared, loaded machine, on top of the budget. Generous on
 * purpose: without the worker, the same import took 45 s and held every other request that long.
 */
const SLACK_MS = 10_000;
const HEALTH_LIMIT_MS = 2_000;

const MARKUP = `<script>window.__pwned = true</script><img src=x onerror="window.__pwned=true">`;
/** Instructions that take the renderer about 0.7 s each: 40 of them are half a minute of work. */
// 19,800 characters: with the markup, just under the 20,000 an item's instructions may hold.
const SLOW_RUN = "*a".repeat(9_900);
const SLOW_INSTRUCTIONS = `${MARKUP}\n\n${SLOW_RUN}`;

/** Polls /api/health every 25 ms while `work` runs: the slowest answer shows whether the event loop was held. */
async function whileWatchingHealth<T>(work: () => Promise<T>): Promise<{ value: T; elapsedMs: number; slowestHealthMs: number; healthChecks: number }> {
  // Connections opened and the route warm before anything is measured.
  for (let i = 0; i < 3; i++) await (await fetch(`${baseUrl()}/api/health`)).arrayBuffer();
  let running = true;
  const latencies: number[] = [];
  const watcher = (async () => {
    while (running) {
      const started = performance.now();
      const response = await fetch(`${baseUrl()}/api/health`);
      await response.arrayBuffer();
      latencies.push(performance.now() - started);
      expect(response.status).toBe(200);
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  // Let the first checks land before the work starts.
  await new Promise((r) => setTimeout(r, 100));
  const started = performance.now();
  try {
    const value = await work();
    return { value, elapsedMs: performance.now() - started, slowestHealthMs: Math.max(...latencies), healthChecks: latencies.length };
  } finally {
    running = false;
    await watcher;
  }
}

/** A template of `count` check items in one section, each with these instructions. */
function templateWith(name: string, count: number, instructions: string, rollback?: string): string {
  return stringify(
    {
      name,
      sections: [
        {
          title: "Checks",
          phase: "pre-deploy",
          items: Array.from({ length: count }, (_, i) => ({ key: `check-${i}`, title: `Check ${i}`, kind: "check", patterns: [`tests/t${i}/`], instructions })),
        },
      ],
      ...(rollback ? { rollback: { instructions: rollback } } : {}),
    },
    { lineWidth: 0 },
  );
}

async function releasePage(slug: string, version: string, cookie: string) {
  const started = performance.now();
  const response = await fetch(`${baseUrl()}/projects/${slug}/releases/${encodeURIComponent(version)}`, { headers: { cookie } });
  const html = await response.text();
  return { status: response.status, html, elapsedMs: performance.now() - started };
}

const textOf = (rendered: RenderedMarkdown) => rendered.nodes.flatMap((n) => ("text" in n ? [n.text] : [])).join("");

describe("importing Markdown that would take the parser seconds", () => {
  it("answers 422 naming the budget, within about the budget, while /api/health stays fast", async () => {
    const p = await makeProject();
    // The budget counts reading, not starting a worker or loading the route's code: have both done.
    expect((await importMarkdown(p.slug, "warm-up", "# Release\n\n- [ ] Smoke tests pass", p)).status).toBe(200);
    // 60,000 "*a": 120 KB, under every size limit of the importer; about 25 s of parsing in-thread.
    const markdown = "*a".repeat(60_000);
    const { value: response, elapsedMs, slowestHealthMs, healthChecks } = await whileWatchingHealth(() => importMarkdown(p.slug, "emphasis", markdown, p));

    const error = expectApiError(response, 422, "validation_failed");
    expect(error.message).toContain(`took longer than the budget of ${formatBudget(BUDGET)} (SHIPCHECK_MARKDOWN_BUDGET_MS)`);
    expect(elapsedMs).toBeGreaterThanOrEqual(BUDGET - 50);
    expect(elapsedMs).toBeLessThan(BUDGET + SLACK_MS);
    expect(healthChecks).toBeGreaterThan(3);
    expect(slowestHealthMs).toBeLessThan(HEALTH_LIMIT_MS);
    expect(await templateVersions(p.slug, "emphasis")).toEqual([]);

    // The server is fine afterwards: an ordinary checklist imports as before.
    const ok = await importMarkdown(p.slug, "ordinary", "# Release\n\n## Pre-deploy\n\n- [ ] Smoke tests pass", p);
    expect(ok.status).toBe(200);
    expect(ok.body.template.sections[0].items[0]).toMatchObject({ title: "Smoke tests pass", kind: "manual" });
  }, 60_000);
});

describe("instructions are rendered once, when the template is saved", () => {
  it("refuses a template whose instructions cannot be rendered within the budget, naming the item, and saves nothing", async () => {
    const p = await makeProject();
    // Route code loaded and a worker started before anything is measured (both happen once per server).
    expect((await putTemplate(p.slug, "warm-up", templateWith("warm-up", 1, "Run **it**."), p)).status).toBe(201);
    const source = templateWith("slow", 40, SLOW_INSTRUCTIONS);
    const { value: response, elapsedMs, slowestHealthMs } = await whileWatchingHealth(() => putTemplate(p.slug, "slow", source, p));

    const error = expectApiError(response, 422, "validation_failed");
    expect(error.message).toMatch(/^the template is not valid: sections\.0\.items\.\d+\.instructions: these instructions could not be rendered within the budget of /);
    expect(error.message).toContain(`budget of ${formatBudget(BUDGET)} (SHIPCHECK_MARKDOWN_BUDGET_MS)`);
    expect(error.details).toEqual([{ path: expect.stringMatching(/^sections\.0\.items\.\d+\.instructions$/), message: expect.stringContaining("budget") }]);
    expect(elapsedMs).toBeLessThan(BUDGET + SLACK_MS);
    expect(slowestHealthMs).toBeLessThan(HEALTH_LIMIT_MS);
    expect(await templateVersions(p.slug, "slow")).toEqual([]);
  }, 60_000);

  it("stores the rendering with the version and in the release's items, and shows markup as text", async () => {
    const p = await makeProject();
    const instructions = `${MARKUP}\n\nRun **this**, then [open the board](javascript:alert(1)) or [the runbook](https://runbooks.example/deploy).`;
    const saved = await putTemplate(p.slug, "marked", templateWith("marked", 40, instructions, `Revert: ${MARKUP}`), p);
    expect(saved.status).toBe(201);
    const version = await db().templateVersion.findFirstOrThrow({ where: { template: { name: "marked", project: { slug: p.slug } } } });
    const stored = version.renderedInstructions as Record<string, RenderedMarkdown>;
    expect(Object.keys(stored)).toHaveLength(41);

    const created = await api(`/api/v1/projects/${p.slug}/releases`, { token: p.token, json: { version: "v2.0.0", commit: randomSha(), template: "marked" } });
    expect(created.status).toBe(201);
    const rows = await db().releaseItem.findMany({ where: { release: { version: "v2.0.0", project: { slug: p.slug } } } });
    expect(rows.map((r) => r.renderedInstructions)).toEqual(rows.map(() => stored["sections.0.items.0.instructions"]));

    const { items, body } = await releaseItems(p.slug, "v2.0.0", p.token);
    const rendered = items[0]!.renderedInstructions!;
    expect(textOf(rendered)).toContain(MARKUP);
    expect(rendered.nodes).toContainEqual({ parent: expect.any(Number), tag: "strong" });
    // The javascript: link keeps its text and loses its address; the https one keeps it.
    const links = rendered.nodes.filter((n) => "tag" in n && n.tag === "a");
    expect(links).toEqual([
      { parent: expect.any(Number), tag: "a" },
      { parent: expect.any(Number), tag: "a", href: "https://runbooks.example/deploy" },
    ]);
    expect(textOf(body.renderedRollbackInstructions as RenderedMarkdown)).toBe(`Revert: ${MARKUP}`);

    const manager = await person(p.slug, "release-manager");
    // The page's code loaded (once per server) on another release, so this measures a view.
    expect((await releasePage(p.slug, p.version, manager.headers.cookie!)).status).toBe(200);
    const page = await releasePage(p.slug, "v2.0.0", manager.headers.cookie!);
    expect(page.status).toBe(200);
    expect(page.elapsedMs).toBeLessThan(2_000);
    expect(page.html).toContain("&lt;script&gt;window.__pwned = true&lt;/script&gt;");
    expect(page.html).not.toContain("<script>window.__pwned");
    expect(page.html).not.toContain("<img src=x");
    expect(page.html).not.toMatch(/href="javascript:/i);
  }, 60_000);
});

describe("a release page whose items were stored before renderings were", () => {
  it("renders them once, within the budget, stores them, and answers quickly from then on", async () => {
    const p = await makeProject();
    // A version saved before renderings were stored, as rows of that time are: no rendering.
    const definition = {
      name: "legacy",
      guardedPaths: [],
      sections: [
        {
          title: "Checks",
          phase: "pre-deploy",
          items: Array.from({ length: 40 }, (_, i) => ({
            key: `check-${i}`,
            title: `Check ${i}`,
            kind: "check",
            patterns: [`tests/t${i}/`],
            instructions: i === 0 ? `Quick **one**: ${MARKUP}` : SLOW_INSTRUCTIONS,
            required: true,
            environments: [],
            expect: "all-pass",
            allowFailures: 0,
            flaky: "pass",
          })),
        },
      ],
    };
    const project = await db().project.findUniqueOrThrow({ where: { slug: p.slug } });
    const template = await db().template.create({ data: { projectId: project.id, name: "legacy" } });
    const source = stringify(definition, { lineWidth: 0 });
    const version = await db().templateVersion.create({
      data: { templateId: template.id, version: 1, source, definition: definition as unknown as Prisma.InputJsonValue, digest: createHash("sha256").update(source).digest("hex") },
    });
    expect(version.renderedInstructions).toBeNull();
    const created = await api(`/api/v1/projects/${p.slug}/releases`, { token: p.token, json: { version: "v0.9.0", commit: randomSha(), template: "legacy" } });
    expect(created.status).toBe(201);
    // And its release's items, made before too.
    await db().$executeRaw`UPDATE "TemplateVersion" SET "renderedInstructions" = NULL WHERE id = ${version.id}::uuid`;
    await db().$executeRaw`UPDATE "ReleaseItem" SET "renderedInstructions" = NULL WHERE "releaseId" = (SELECT id FROM "Release" WHERE version = 'v0.9.0' AND "projectId" = ${project.id}::uuid)`;

    const manager = await person(p.slug, "release-manager");
    expect((await releasePage(p.slug, p.version, manager.headers.cookie!)).status).toBe(200);
    const first = await releasePage(p.slug, "v0.9.0", manager.headers.cookie!);
    expect(first.status).toBe(200);
    // Rendering stops at the budget; what is left is stored as text, shown as written.
    expect(first.elapsedMs).toBeLessThan(BUDGET + SLACK_MS);
    expect(first.html).toContain("&lt;script&gt;window.__pwned = true&lt;/script&gt;");
    expect(first.html).not.toContain("<script>window.__pwned");

    const rows = await db().releaseItem.findMany({ where: { releaseId: (await db().release.findFirstOrThrow({ where: { version: "v0.9.0", projectId: project.id } })).id }, orderBy: { position: "asc" } });
    expect(rows.every((r) => r.renderedInstructions !== null)).toBe(true);
    const quick = rows[0]!.renderedInstructions as RenderedMarkdown;
    expect(quick.nodes).toContainEqual({ parent: expect.any(Number), tag: "strong" });
    // Forty items of 0.7 s each cannot all fit in the budget: the last is stored as written.
    const slow = rows[39]!.renderedInstructions as RenderedMarkdown;
    const head = slow.nodes[0];
    expect(head).toEqual({ parent: -1, tag: "plain" });
    expect(textOf(slow)).toBe(SLOW_INSTRUCTIONS);

    for (let view = 0; view < 3; view++) {
      const again = await releasePage(p.slug, "v0.9.0", manager.headers.cookie!);
      expect(again.status).toBe(200);
      expect(again.elapsedMs).toBeLessThan(2_000);
      expect(again.html).toContain("*a*a*a*a*a*a");
    }
  }, 90_000);
});
