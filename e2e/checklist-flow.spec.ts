// The team's own checklist, imported from its Markdown, walked from staging to production in the
// browser: CI results and the throughput metric, staging's pre-deploy sign-offs, the deploy to
// staging, Staging Verification signed on staging with a screenshot, then production opens.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { ServerContext } from "@/lib/server/context";
import { createProject } from "@/lib/server/create-project";
import { createRelease } from "@/lib/server/create-release";
import { importTemplate } from "@/lib/server/import-template";
import { makeToken, makeUser, randomSha, uniqueSuffix } from "../tests/support/fixtures";
import { api, baseUrl, signIn } from "../tests/support/http";
import { expect, releasePath, screenshot, signInAs, test } from "./support";

const system: ServerContext = { principal: { kind: "system", label: "e2e" } };
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");

type ItemState = { gating: boolean; status: string; steps: unknown[] };
type Item = { key: string; title: string; kind: string; verifyOn: string | null; environments: Record<string, ItemState> };

test("the imported deployment checklist flows from staging to production", async ({ page }) => {
  test.setTimeout(120_000);
  const slug = `flow-${uniqueSuffix()}`;
  await createProject(system, { slug, name: "Netra", environments: ["staging", "production"] });
  const markdown = await readFile(path.join(process.cwd(), "prisma/seed/deployment-checklist.md"), "utf8");
  const imported = await importTemplate(system, slug, "deployment-checklist", markdown, { save: true });
  const commit = randomSha();
  await createRelease(system, slug, { version: "v1.8.0", commit, template: imported.template.name });
  const p = { slug, version: "v1.8.0", commit, token: await makeToken(slug) };
  const base = `/api/v1/projects/${slug}/releases/v1.8.0`;
  const items = async (): Promise<Item[]> => (await api(base, { token: p.token })).body.sections.flatMap((s: { items: Item[] }) => s.items);

  // The importer decided that Staging Verification is done on staging and gates production.
  const verification = (await items()).find((i) => i.title === "Staging Verification")!;
  expect(verification).toMatchObject({ verifyOn: "staging" });
  expect(verification.environments.staging!.gating).toBe(false);
  expect(verification.environments.production!.gating).toBe(true);

  // CI: the mission-critical suites (all 5 final-validation tests), the benchmark, the throughput.
  const final = ["test_agent_started", "test_agent_thinking", "test_tool_executing", "test_tool_completed", "test_agent_completed"];
  // Reported for no environment: the pre-deploy suites count for every environment of this commit.
  const ci = await api(`${base}/results`, {
    token: p.token,
    json: {
      commit,
      results: [
        ...final.map((t) => ({ key: `tests/mission_critical/test_final_validation.py::${t}`, status: "passed" })),
        { key: "tests/mission_critical/test_websocket_agent_events_suite.py::TestRegressionPrevention::test_events_sent", status: "passed" },
        { key: "tests/mission_critical/test_websocket_events_advanced.py::TestPerformanceBenchmarks::test_high_frequency_event_throughput", status: "passed" },
      ],
    },
  });
  expect(ci.status, JSON.stringify(ci.body)).toBe(201);
  expect(ci.body.unmatchedCount).toBe(0);
  expect((await api(`${base}/metrics`, { token: p.token, json: { metrics: [{ name: "websocket_events_per_sec", value: 812, unit: "events/sec" }] } })).status).toBe(201);

  const manager = await makeUser(slug, "release-manager");
  const cookie = await signIn(manager.email, manager.password);
  const headers = { cookie, origin: baseUrl() };
  /** Ticks an item's steps and signs it off over the API, as the page's own calls would. */
  const signOverApi = async (item: Item, environment: string) => {
    for (let step = 0; step < item.environments[environment]!.steps.length; step++) {
      expect((await api(`${base}/items/${item.key}/steps`, { json: { environment, step, done: true }, headers })).status).toBe(200);
    }
    const signed = await api(`${base}/items/${item.key}/signoffs`, { json: { environment, comment: "checked" }, headers });
    expect(signed.status, JSON.stringify(signed.body)).toBe(201);
  };
  const manualGating = async (environment: string) => (await items()).filter((i) => i.kind === "manual" && i.environments[environment]!.gating && i.verifyOn === null);

  // Staging's pre-deploy sign-offs: one in the browser, the rest as the team would, one by one.
  const stagingItems = await manualGating("staging");
  const [first, ...rest] = stagingItems;
  for (const item of rest) await signOverApi(item, "staging");

  await page.goto(releasePath(slug, "v1.8.0"));
  await signInAs(page, manager.email, manager.password);
  const staging = page.getByRole("status", { name: "staging gate" });
  const production = page.getByRole("status", { name: "production gate" });
  await expect(staging).toContainText("1 blocking");
  const firstRow = page.getByRole("article", { name: first!.title });
  await firstRow.getByRole("button", { name: `Sign off ${first!.title}` }).click();
  await firstRow.getByRole("button", { name: "Confirm sign-off for staging" }).click();
  await expect(staging).toContainText("staging: gate open");
  await expect(production).toContainText("production: gate closed");
  await expect(production).toContainText("Staging Verification");
  await screenshot(page, "60-checklist-staging-open");

  // Deploy to staging, then verify there: the five steps, and the WS tab screenshot as evidence.
  await staging.getByRole("button", { name: "Record deploy to staging" }).click();
  await expect(staging).toContainText("Deploy to staging recorded.");
  const row = page.getByRole("article", { name: "Staging Verification" });
  await expect(row).toContainText("Done on staging after its deploy");
  // Each tick is saved on the server before the box shows it ticked (the box is not optimistic),
  // so click and wait for the saved state rather than expecting the click itself to flip it.
  for (const step of await row.getByRole("checkbox").all()) {
    await step.click();
    await expect(step).toBeChecked();
  }
  const dir = path.join("test-results", "evidence-files");
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, "staging-ws-tab.png");
  await writeFile(file, PNG);
  await row.getByRole("button", { name: "Sign off Staging Verification" }).click();
  const form = row.getByRole("form", { name: "Sign off Staging Verification for staging" });
  await form.getByLabel(/Comment/).fill("All 5 events in Network > WS on staging");
  await form.getByLabel(/Evidence file/).setInputFiles(file);
  await form.getByRole("button", { name: "Confirm sign-off for staging" }).click();
  await expect(row.getByRole("list", { name: "Sign-offs" })).toContainText("staging-ws-tab.png");

  // Production's own pre-deploy items (the environment-specific checks), then its gate opens.
  for (const item of await manualGating("production")) await signOverApi(item, "production");
  await page.getByRole("tab", { name: "production" }).click();
  await expect(production).toContainText("production: gate open");
  await expect(page.getByRole("article", { name: "Staging Verification" })).toContainText("Signed off by");
  await screenshot(page, "61-checklist-production-open");
  await production.getByRole("button", { name: "Record deploy to production" }).click();
  await expect(production).toContainText("Deploy to production recorded.");
  await page.setViewportSize({ width: 390, height: 844 });
  // The team's long test paths wrap: nothing widens the page on a phone.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await screenshot(page, "62-checklist-production-phone");
});
