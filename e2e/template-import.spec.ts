// The team's own DEPLOYMENT_CHECKLIST.md, imported in a browser: an admin loads the file,
// reviews what the importer made of it (repaired emoji, Staging Verification done on staging
// after its deploy), corrects one item's kind, where another is done and a title, saves, and
// releases from it.
import path from "node:path";
import { makeProject, makeUser, randomSha } from "../tests/support/fixtures";
import { api } from "../tests/support/http";
import { expect, releasePath, screenshot, signInAs, test } from "./support";

const CHECKLIST = path.join(process.cwd(), "prisma/seed/deployment-checklist.md");
const CRITICAL_EVENTS = ["agent_started", "agent_thinking", "tool_executing", "tool_completed", "agent_completed"];

test("an admin imports the Markdown checklist, turns a manual item into a check and releases from it", async ({ page }) => {
  // The whole flow, from file to release: on a shared machine it runs close to the default minute.
  test.setTimeout(120_000);
  const p = await makeProject();
  const admin = await makeUser(p.slug, "admin");
  await signInAs(page, admin.email, admin.password);

  // The templates list links to the import page for admins.
  await page.goto(`/projects/${p.slug}/templates`);
  await page.getByRole("link", { name: "Import a Markdown checklist" }).click();
  await expect(page).toHaveURL(`/projects/${p.slug}/templates/import`);
  await expect(page.getByRole("heading", { name: "Import a Markdown checklist" })).toBeVisible();
  await expect(page.getByLabel("Template name")).toHaveValue("deployment-checklist");

  // The file's text lands in the textarea, client-side; nothing is saved by a preview.
  await page.getByLabel("Markdown file").setInputFiles(CHECKLIST);
  await expect(page.getByText("Loaded deployment-checklist.md")).toBeVisible();
  await expect(page.getByLabel("Checklist Markdown")).toHaveValue(/^# Deployment Checklist - Mission Critical/);
  await page.getByRole("button", { name: "Preview import" }).click();

  const preview = page.getByRole("region", { name: "Preview of deployment-checklist" });
  await expect(preview).toContainText("12 sections · 34 items");
  await expect(preview).toContainText("1 item is done on an environment after its deploy.");
  const row = (title: string) => preview.getByRole("row").filter({ has: page.getByLabel(`Title of ${title}`, { exact: true }) });

  // The mis-encoded emoji are repaired, and the preview says which.
  const repaired = preview.getByRole("region", { name: "Repaired mis-encoded characters (8)" });
  await expect(repaired.getByRole("list", { name: "Repairs" }).getByRole("listitem")).toHaveText([
    '"<U+F8FF>üö®" → "🚨" on line 3',
    '"‚úÖ" → "✅" on lines 17, 18, 19',
    '"‚ùå" → "❌" on lines 76, 77, 78, 79',
  ]);
  await expect(page.getByLabel("Title of ✅ All 5 tests in test_final_validation.py MUST pass", { exact: true })).toHaveValue("✅ All 5 tests in test_final_validation.py MUST pass");
  await expect(row("❌ Tool execution events missing")).toContainText("Repaired from ‚ùå Tool execution events missing");
  await expect(preview.getByRole("region", { name: /What the importer decided/ })).not.toContainText("Mac Roman");

  // Staging Verification is done on staging after its deploy and gates production, as the importer says.
  const stagingDone = page.getByLabel("Where Staging Verification is done");
  await expect(stagingDone).toHaveValue("staging");
  await expect(stagingDone.locator("option:checked")).toHaveText("On staging after its deploy — gates production");
  await expect(row("Staging Verification")).toContainText("Signed off once, on staging, after staging's deploy is recorded. Production's gate needs it; staging's does not.");
  await expect(row("Staging Verification")).toContainText("The importer chose this: the text says “Deploy to staging first”.");
  await expect(page.getByLabel("Where Local Testing is done").locator("option:checked")).toHaveText("Before each deploy — gates that deploy");
  await expect(page.getByLabel(/^Where .*Any mission critical test fails is done$/)).toHaveCount(0);
  for (const section of ["Pre-Deployment Requirements", "Automated Deployment Checks", "Rollback Criteria", "Environment Configuration", "Monitoring Setup"]) {
    await expect(preview.getByRole("heading", { name: section, exact: true })).toBeVisible();
  }
  // What the importer noticed, the guarded files and the rollback plan come first.
  await expect(preview.getByRole("region", { name: /What the importer decided/ })).toContainText('"Emergency Contacts" is reference material');
  await expect(preview.getByRole("region", { name: "Guarded paths" })).toContainText("netra_backend/app/agents/supervisor/agent_registry.py lines 126–141");
  await expect(preview.getByRole("region", { name: "Rollback instructions" })).toContainText("Use previous Cloud Run revision");

  // Each item says what it will do: the metric's threshold, a check's patterns, a manual item's steps.
  const throughput = row("WebSocket throughput > 500 events/sec");
  await expect(throughput).toContainText("websocket_events_per_sec > 500 events/sec");
  await expect(page.getByLabel("Kind of WebSocket throughput > 500 events/sec")).toHaveValue("metric");
  await expect(page.getByLabel("Threshold of WebSocket throughput > 500 events/sec")).toHaveValue("500");
  await expect(row("Run Full Mission Critical Suite")).toContainText("CI results matching tests/mission_critical/: all pass");
  const steps = preview.getByRole("list", { name: "Steps of Critical Event Verification" }).getByRole("listitem");
  await expect(steps).toHaveText(CRITICAL_EVENTS.map((e) => new RegExp(`^${e} - `)));
  await expect(page.getByLabel(/^Kind of .*Any mission critical test fails$/)).toHaveValue("watch");

  // "Pre-Deployment Tests" is really a CI check: change its kind; the role goes, patterns are asked for.
  const kind = page.getByLabel("Kind of Pre-Deployment Tests");
  await expect(kind).toHaveValue("manual");
  await expect(page.getByLabel("Role of Pre-Deployment Tests")).toHaveValue("release-manager");
  await kind.selectOption("check");
  await expect(page.getByLabel("Role of Pre-Deployment Tests")).toHaveCount(0);
  const patterns = page.getByLabel("Patterns of Pre-Deployment Tests");
  await expect(patterns).toHaveValue("");
  await expect(page.getByLabel("Key of Pre-Deployment Tests")).toHaveValue("pre-deployment-tests");

  // Saving without patterns is refused, and the list points at the item.
  await page.getByRole("button", { name: "Save template" }).click();
  const failure = page.getByRole("alert").filter({ hasText: "Not saved yet" });
  await expect(failure).toContainText("1 problem to fix first");
  await expect(failure).toContainText("Pre-Deployment Tests — sections.5.items.0.patterns: give at least one pattern");
  await expect(preview.getByRole("row").filter({ hasText: "Changed from manual" })).toHaveAttribute("aria-invalid", "true");
  await patterns.scrollIntoViewIfNeeded();
  await page.screenshot({ path: "test-results/screenshots/20-template-import-problem.png" });

  await patterns.fill("tests/");
  await expect(failure).toHaveCount(0);
  await expect(preview.getByRole("row").filter({ hasText: "Changed from manual" })).toContainText("CI results matching tests/: all pass");

  // The health check is really checked on staging once it runs the release: done there, gating production.
  const health = page.getByLabel("Where Health check endpoints responding is done");
  await expect(health.locator("option:checked")).toHaveText("After each deploy — gates nothing");
  await health.selectOption({ label: "On staging after its deploy — gates production" });
  await expect(row("Health check endpoints responding")).toContainText("Signed off once, on staging, after staging's deploy is recorded. Production's gate needs it; staging's does not.");
  await expect(row("Health check endpoints responding")).toContainText("Changed from after each deploy.");
  await expect(preview).toContainText("2 items are done on an environment after its deploy.");

  // A repaired title still reads like a shout: rename it. The key stays as imported.
  const title = page.getByLabel("Title of ✅ Tool dispatcher enhancement MUST be verified", { exact: true });
  await title.fill("Tool dispatcher enhancement verified");
  await expect(page.getByLabel("Kind of Tool dispatcher enhancement verified")).toHaveValue("manual");
  await expect(page.getByLabel("Key of Tool dispatcher enhancement verified")).toHaveValue("tool-dispatcher-enhancement-must-be-verified");

  // An empty title is refused before saving.
  await title.fill("");
  await page.getByRole("button", { name: "Save template" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Not saved yet" })).toContainText("give the item a title");
  await title.fill("Tool dispatcher enhancement verified");
  await expect(page.getByRole("alert").filter({ hasText: "Not saved yet" })).toHaveCount(0);

  // The preview, as a release manager sees it, at desktop and phone width: nothing scrolls sideways.
  await row("Staging Verification").scrollIntoViewIfNeeded();
  await page.screenshot({ path: "test-results/screenshots/23-template-import-done-on-staging.png" });
  await repaired.scrollIntoViewIfNeeded();
  await page.screenshot({ path: "test-results/screenshots/24-template-import-repairs.png" });
  await page.setViewportSize({ width: 390, height: 844 });
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await repaired.scrollIntoViewIfNeeded();
  await page.screenshot({ path: "test-results/screenshots/25-template-import-phone-repairs.png" });
  await row("Staging Verification").scrollIntoViewIfNeeded();
  await page.screenshot({ path: "test-results/screenshots/26-template-import-phone-item.png" });
  await page.setViewportSize({ width: 1280, height: 900 });
  // At the bottom, the sticky save bar sits where it ends up rather than over a section.
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await screenshot(page, "21-template-import-preview");

  await page.getByRole("button", { name: "Save template" }).click();
  await expect(page).toHaveURL(`/projects/${p.slug}/templates/deployment-checklist`);
  await expect(page.getByRole("heading", { name: /^Template deployment-checklist/ })).toContainText("latest version 1");
  await expect(page.getByRole("heading", { name: "Version history" })).toBeVisible();

  // What was chosen in the preview is what was saved.
  const saved = await api(`/api/v1/projects/${p.slug}/templates/deployment-checklist`, { token: p.token });
  type SavedItem = { key: string; title: string; verifyOn?: string };
  const savedItems = (saved.body.versions[0].definition.sections as { items: SavedItem[] }[]).flatMap((s) => s.items);
  expect(savedItems.filter((i) => i.verifyOn).map((i) => [i.key, i.verifyOn])).toEqual([
    ["staging-verification", "staging"],
    ["health-check-endpoints-responding", "staging"],
  ]);
  expect(savedItems.find((i) => i.key === "tool-dispatcher-enhancement-must-be-verified")?.title).toBe("Tool dispatcher enhancement verified");
  expect(saved.body.versions[0].source).toContain("verifyOn: staging");

  // A release from the imported template, through the New release form.
  await page.goto(`/projects/${p.slug}`);
  const form = page.getByRole("form", { name: "New release" });
  await form.getByLabel("Version", { exact: true }).fill("v1.8.0");
  await form.getByLabel("Commit SHA").fill(randomSha());
  await form.getByRole("combobox", { name: /^Template/ }).selectOption("deployment-checklist");
  await form.getByRole("button", { name: "Create release" }).click();
  await expect(page).toHaveURL(releasePath(p.slug, "v1.8.0"));
  await expect(page.getByRole("heading", { level: 1, name: "Release v1.8.0" })).toBeVisible();
  await expect(page.getByText("checklist deployment-checklist v1")).toBeVisible();

  // The five critical events are separate steps of their item, each ticked on its own.
  const critical = page.getByRole("article", { name: "Critical Event Verification" });
  await expect(critical.getByRole("checkbox")).toHaveCount(5);
  for (const event of CRITICAL_EVENTS) {
    await expect(critical.getByRole("checkbox", { name: new RegExp(`^${event} - `) })).not.toBeChecked();
    await expect(critical.getByRole("listitem").filter({ hasText: event })).toHaveCount(1);
  }
  await expect(critical).toContainText("Steps: 0 of 5 done");

  // The re-kinded item is a check on the release: pending until CI reports under tests/.
  const tests = page.getByRole("article", { name: "Pre-Deployment Tests" });
  await expect(tests.getByText("check", { exact: true })).toBeVisible();
  await expect(tests).toContainText("tests/: all pass");
  await expect(tests.getByRole("button", { name: /^Sign off/ })).toHaveCount(0);
  await screenshot(page, "22-release-from-imported-template");
});

test("someone who is not an admin is told why they cannot import", async ({ page }) => {
  const p = await makeProject();
  const manager = await makeUser(p.slug, "release-manager");
  await signInAs(page, manager.email, manager.password);
  await page.goto(`/projects/${p.slug}/templates/import`);
  const refusal = page.getByRole("alert").filter({ hasText: "Only project admins can import templates." });
  await expect(refusal).toContainText("Your role in this project is release-manager");
  await expect(page.getByRole("button", { name: "Preview import" })).toHaveCount(0);
});

test("a checklist that would take the parser too long is refused, naming the time budget, and the page stays usable", async ({ page }) => {
  const p = await makeProject();
  const admin = await makeUser(p.slug, "admin");
  await signInAs(page, admin.email, admin.password);
  await page.goto(`/projects/${p.slug}/templates/import`);

  // 60,000 "*a": 120 KB, under the size limits, and about 25 s of parsing (quadratic in micromark).
  await page.getByLabel("Checklist Markdown").fill("*a".repeat(60_000));
  await page.getByRole("button", { name: "Preview import" }).click();
  const refusal = page.getByRole("alert").filter({ hasText: "Reading this Markdown took longer than the budget of" });
  await expect(refusal).toBeVisible({ timeout: 20_000 });
  await expect(refusal).toContainText("(SHIPCHECK_MARKDOWN_BUDGET_MS), so it was stopped.");
  await expect(page.getByRole("region", { name: /^Preview of/ })).toHaveCount(0);
  await screenshot(page, "27-template-import-over-budget");
  await page.setViewportSize({ width: 390, height: 844 });
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await refusal.scrollIntoViewIfNeeded();
  await page.screenshot({ path: "test-results/screenshots/28-template-import-over-budget-phone.png" });
  await page.setViewportSize({ width: 1280, height: 900 });

  // The same page then imports an ordinary checklist, its instructions rendered in the preview.
  await page.getByLabel("Checklist Markdown").fill("# Release\n\n## Pre-deploy\n\n### Smoke tests\n\nRun them:\n\n```bash\nmake smoke\n```\n\n<b>not bold</b>, **bold**.");
  await page.getByRole("button", { name: "Preview import" }).click();
  const preview = page.getByRole("region", { name: "Preview of deployment-checklist" });
  await expect(preview).toContainText("1 sections · 1 items");
  const instructions = preview.locator("details").filter({ hasText: "Instructions" }).first();
  await instructions.getByText("Instructions", { exact: true }).click();
  await expect(instructions.locator("pre")).toContainText("make smoke");
  await expect(instructions.locator("strong")).toHaveText("bold");
  await expect(instructions).toContainText("<b>not bold</b>", { useInnerText: true });
  // Viewport shots: in a full-page one the sticky save bar sits over the item.
  await page.evaluate(() => window.scrollTo(0, 0));
  await instructions.evaluate((el) => el.scrollIntoView({ block: "center" }));
  await page.screenshot({ path: "test-results/screenshots/29-template-import-instructions-preview.png" });
  await page.setViewportSize({ width: 390, height: 844 });
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await instructions.evaluate((el) => el.scrollIntoView({ block: "center" }));
  await page.screenshot({ path: "test-results/screenshots/30-template-import-instructions-preview-phone.png" });
});
