// The audit trail in a browser: a release manager signs off, finds the sign-off in the release's
// timeline with the chain intact, and opens the printable evidence pack.
import pg from "pg";
import { db } from "@/lib/db/client";
import { releaseRow } from "../tests/support/db-state";
import { makeProject, makeUser } from "../tests/support/fixtures";
import { expect, postResults, releasePath, screenshot, signInAs, test } from "./support";

test("a sign-off appears in the timeline, the chain is intact, and the evidence pack prints", async ({ page }) => {
  const p = await makeProject();
  const manager = await makeUser(p.slug, "release-manager");
  await postResults(p, "staging", [
    { key: "tests/smoke/test_api.py::test_health", status: "passed", durationMs: 41 },
    { key: "tests/smoke/test_ws.py::test_connect", status: "failed", durationMs: 230, message: "AssertionError: expected 5 events, got 4 <script>alert(1)</script>" },
  ]);

  await page.goto(releasePath(p.slug, p.version));
  await signInAs(page, manager.email, manager.password);
  await expect(page.getByRole("heading", { level: 1, name: `Release ${p.version}` })).toBeVisible();

  const approval = page.getByRole("article", { name: "Release manager approval" });
  await approval.getByRole("button", { name: "Sign off Release manager approval" }).click();
  await approval.getByLabel(/Comment/).fill("Release notes, migration plan and on-call rota checked");
  await approval.getByRole("button", { name: "Confirm sign-off for staging" }).click();
  await expect(approval).toContainText("Signed off by");

  // The timeline is collapsed until asked for; opened, it lists the newest event first.
  const timeline = page.getByRole("region", { name: "Timeline" });
  await expect(timeline.getByRole("list", { name: "Audit events, newest first" })).toHaveCount(0);
  await timeline.getByRole("button", { name: /Timeline/ }).click();
  await expect(timeline.getByRole("status", { name: "Audit chain" })).toHaveText("Chain intact: 3 events");
  // Opening the trail verified it and signed its head.
  await expect(timeline.getByText(/^signed checkpoints cover 3 of 3 · key [0-9a-f]{16}$/)).toBeVisible();
  const events = timeline.getByRole("list", { name: "Audit events, newest first" }).getByRole("listitem");
  await expect(events).toHaveCount(3);
  await expect(events.first()).toContainText(`${manager.email} signed off Release manager approval for staging: “Release notes, migration plan and on-call rota checked”`);
  // The reader's local time and how long ago; the exact UTC time on hover.
  await expect(events.first().locator("time")).toHaveAttribute("title", /^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);
  await expect(events.first().locator("time")).toContainText(/\((just now|\d+ min ago)\)$/);
  await expect(events.nth(1)).toContainText(/token:ci-\w+ reported 2 results \(json\) for staging/);
  await expect(events.nth(2)).toContainText(`test-fixture created release ${p.version} at commit ${p.commit.slice(0, 12)} from checklist release-checklist v1`);
  // Details: the event's stored JSON and its hash, as text.
  await events.first().getByText(/^#\d+ · signoff\.created$/).click();
  await expect(events.first()).toContainText('"comment": "Release notes, migration plan and on-call rota checked"');
  await expect(events.first()).toContainText(/Hash[0-9a-f]{64}/);
  await timeline.scrollIntoViewIfNeeded();
  await screenshot(page, "audit-01-release-timeline");

  // A later write shows up in the open timeline without a reload: the release's refresh carries it.
  await postResults(p, "staging", [{ key: "tests/smoke/test_ws.py::test_connect", status: "passed", durationMs: 210 }]);
  await expect(timeline.getByRole("status", { name: "Audit chain" })).toHaveText("Chain intact: 4 events");
  await expect(events.first()).toContainText("reported 1 result (json) for staging");

  // The printable evidence pack.
  await timeline.getByRole("link", { name: "Evidence pack (printable)" }).click();
  await expect(page).toHaveURL(new RegExp(`${releasePath(p.slug, p.version)}/evidence$`));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Evidence pack: Project ${p.slug} ${p.version}`);
  await expect(page.getByRole("status", { name: "Audit chain" })).toContainText("Chain intact: 4 events");
  await expect(page.getByRole("status", { name: "Audit chain" })).toContainText("signed checkpoints cover all of them");
  const signOffs = page.getByRole("region", { name: "Sign-offs (1)" });
  await expect(signOffs).toContainText(manager.email);
  await expect(signOffs).toContainText("Release notes, migration plan and on-call rota checked");
  const results = page.getByRole("region", { name: "Results (3)" });
  // Test output is shown as text, never as markup.
  await expect(results).toContainText("AssertionError: expected 5 events, got 4 <script>alert(1)</script>");
  const trail = page.getByRole("region", { name: /^Audit trail \(4 events/ });
  await expect(trail.getByRole("listitem")).toHaveCount(4);
  await expect(trail.getByRole("listitem").nth(2)).toContainText(`${manager.email} signed off Release manager approval for staging`);
  const download = page.getByRole("link", { name: "Download JSON" });
  await expect(download).toHaveAttribute("href", `/api/v1/projects/${p.slug}/releases/${p.version}/evidence-pack`);
  await screenshot(page, "audit-02-evidence-page");

  // On paper: no site header, no navigation, no download button.
  await page.emulateMedia({ media: "print" });
  await expect(page.getByRole("link", { name: "Download JSON" })).toBeHidden();
  await expect(page.getByRole("link", { name: "Shipcheck" })).toBeHidden();
  await screenshot(page, "audit-03-evidence-print");
  await page.emulateMedia({ media: "screen" });

  // The download is the JSON pack, named for the release.
  const [file] = await Promise.all([page.waitForEvent("download"), download.click()]);
  expect(file.suggestedFilename()).toBe(`shipcheck-${p.slug}-${p.version}-evidence.json`);
});

test("a broken chain is shown loudly, naming the event", async ({ page }) => {
  const p = await makeProject();
  const viewer = await makeUser(p.slug, "viewer");
  const { projectId, releaseId } = await releaseRow(p.slug, p.version);
  const first = await db().auditEvent.findFirstOrThrow({ where: { releaseId }, orderBy: { id: "asc" } });
  // Appended behind the application's back, with a hash that doesn't cover what is stored.
  await db().auditEvent.create({
    data: { projectId, releaseId, actorLabel: "ghost@example.com", action: "signoff.created", targetType: "item", targetId: "release-approval", after: { environment: "production" }, prevHash: first.hash, hash: "0".repeat(64) },
  });

  await page.goto(releasePath(p.slug, p.version));
  await signInAs(page, viewer.email, viewer.password);
  const timeline = page.getByRole("region", { name: "Timeline" });
  await timeline.getByRole("button", { name: /Timeline/ }).click();
  const status = timeline.getByRole("status", { name: "Audit chain" });
  await expect(status).toContainText(/Chain BROKEN at event 2 of 2 \(signoff\.created, #\d+\)/);
  await expect(status).toContainText("was changed after it was recorded");
  await expect(timeline.getByRole("listitem").first()).toContainText("ghost@example.com signed off Release manager approval for production");
  await expect(timeline.getByRole("listitem").first()).toContainText("chain breaks here");
  await timeline.scrollIntoViewIfNeeded();
  await screenshot(page, "audit-04-timeline-broken");

  await timeline.getByRole("link", { name: "Evidence pack (printable)" }).click();
  await expect(page).toHaveURL(new RegExp(`${releasePath(p.slug, p.version)}/evidence$`));
  await expect(page.getByRole("status", { name: "Audit chain" })).toContainText("Chain BROKEN at event 2 of 2");
  await screenshot(page, "audit-05-evidence-broken");
});

test("a chain cut short below its signed checkpoint is shown, naming the checkpoint, on a wide and a narrow screen", async ({ page }) => {
  const p = await makeProject();
  const viewer = await makeUser(p.slug, "viewer");
  await postResults(p, "staging", [{ key: "tests/smoke/test_api.py::test_health", status: "passed", durationMs: 41 }]);
  await postResults(p, "staging", [{ key: "tests/smoke/test_api.py::test_health", status: "passed", durationMs: 38 }]);

  await page.goto(releasePath(p.slug, p.version));
  await signInAs(page, viewer.email, viewer.password);
  const timeline = page.getByRole("region", { name: "Timeline" });
  await timeline.getByRole("button", { name: /Timeline/ }).click();
  await expect(timeline.getByRole("status", { name: "Audit chain" })).toHaveText("Chain intact: 3 events");
  await expect(timeline.getByText(/^signed checkpoints cover 3 of 3/)).toBeVisible();

  // Someone with superuser access deletes the newest report's event, triggers switched off.
  const { releaseId } = await releaseRow(p.slug, p.version);
  const newest = await db().auditEvent.findFirstOrThrow({ where: { releaseId }, orderBy: { id: "desc" } });
  const sql = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await sql.connect();
  try {
    await sql.query("BEGIN");
    await sql.query("SET LOCAL session_replication_role = replica");
    await sql.query(`DELETE FROM "AuditEvent" WHERE id = $1`, [newest.id]);
    await sql.query("COMMIT");
  } finally {
    await sql.end();
  }

  await page.reload();
  await timeline.getByRole("button", { name: /Timeline/ }).click();
  const status = timeline.getByRole("status", { name: "Audit chain" });
  await expect(status).toContainText(/Chain BROKEN: signed checkpoint #\d+ does not match/);
  await expect(status).toContainText("the chain has only 2 events: 1 event was removed from its end");
  await timeline.scrollIntoViewIfNeeded();
  await screenshot(page, "audit-06-timeline-checkpoint-1280");

  await timeline.getByRole("link", { name: "Evidence pack (printable)" }).click();
  const evidenceStatus = page.getByRole("status", { name: "Audit chain" });
  await expect(evidenceStatus).toContainText(/Chain BROKEN: signed checkpoint #\d+ does not match/);
  await expect(evidenceStatus).toContainText("1 event was removed from its end");
  await expect(page.getByText(/^Ed25519 key [0-9a-f]{16} · digest [0-9a-f]{64}$/)).toBeVisible();
  await screenshot(page, "audit-07-evidence-checkpoint-1280");

  await page.setViewportSize({ width: 390, height: 844 });
  await expect(evidenceStatus).toBeVisible();
  await screenshot(page, "audit-08-evidence-checkpoint-390");
  await page.goto(releasePath(p.slug, p.version));
  await timeline.getByRole("button", { name: /Timeline/ }).click();
  await expect(timeline.getByRole("status", { name: "Audit chain" })).toContainText("does not match");
  await screenshot(page, "audit-09-timeline-checkpoint-390");
});
