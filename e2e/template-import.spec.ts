// The team's own DEPLOYMENT_CHECKLIST.md, imported in a browser: an admin loads the file,
// reviews what the importer made of it, corrects one item's kind, saves, and releases from it.
import path from "node:path";
import { makeProject, makeUser, randomSha } from "../tests/support/fixtures";
import { expect, releasePath, screenshot, signInAs, test } from "./support";

const CHECKLIST = path.join(process.cwd(), "prisma/seed/deployment-checklist.md");
const CRITICAL_EVENTS = ["agent_started", "agent_thinking", "tool_executing", "tool_completed", "agent_completed"];

test("an admin imports the Markdown checklist, turns a manual item into a check and releases from it", async ({ page }) => {
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
  for (const section of ["Pre-Deployment Requirements", "Automated Deployment Checks", "Rollback Criteria", "Environment Configuration", "Monitoring Setup"]) {
    await expect(preview.getByRole("heading", { name: section, exact: true })).toBeVisible();
  }
  // What the importer noticed, the guarded files and the rollback plan come first.
  await expect(preview.getByRole("region", { name: /What the importer decided/ })).toContainText('"Emergency Contacts" is reference material');
  await expect(preview.getByRole("region", { name: "Guarded paths" })).toContainText("netra_backend/app/agents/supervisor/agent_registry.py lines 126–141");
  await expect(preview.getByRole("region", { name: "Rollback instructions" })).toContainText("Use previous Cloud Run revision");

  // Each item says what it will do: the metric's threshold, a check's patterns, a manual item's steps.
  const throughput = preview.getByRole("row").filter({ hasText: "WebSocket throughput > 500 events/sec" });
  await expect(throughput).toContainText("websocket_events_per_sec > 500 events/sec");
  await expect(page.getByLabel("Kind of WebSocket throughput > 500 events/sec")).toHaveValue("metric");
  await expect(page.getByLabel("Threshold of WebSocket throughput > 500 events/sec")).toHaveValue("500");
  await expect(preview.getByRole("row").filter({ hasText: "Run Full Mission Critical Suite" })).toContainText("CI results matching tests/mission_critical/: all pass");
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
  // At the bottom, the sticky save bar sits where it ends up rather than over a section.
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await screenshot(page, "21-template-import-preview");

  await page.getByRole("button", { name: "Save template" }).click();
  await expect(page).toHaveURL(`/projects/${p.slug}/templates/deployment-checklist`);
  await expect(page.getByRole("heading", { name: /^Template deployment-checklist/ })).toContainText("latest version 1");
  await expect(page.getByRole("heading", { name: "Version history" })).toBeVisible();

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
