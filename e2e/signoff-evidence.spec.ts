// A release manager approves with a link as evidence, watches the gate open, records the deploy
// from the page, signs off the check done on staging with a screenshot as evidence, sees it listed,
// and answers "Rollback recommended" with a decision. Then the
// louder tools: a conflicting sign-off, an administrator's override, a rebuild that greys old
// sign-offs, and a project deploy lock.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { makeProject, makeUser, randomSha } from "../tests/support/fixtures";
import { api, baseUrl, signIn } from "../tests/support/http";
import { expect, expectSameDocument, markDocument, postMetric, postResults, releasePath, screenshot, signInAs, test } from "./support";

// A real 1×1 PNG, as a screenshot tool would write it (smaller).
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");

async function screenshotFile(name: string): Promise<string> {
  const dir = path.join("test-results", "evidence-files");
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, name);
  await writeFile(file, PNG);
  return file;
}

test("a release manager approves, deploys through the open gate, signs off the staging check with a screenshot, and keeps the release after a rollback recommendation", async ({ page }) => {
  const p = await makeProject();
  const manager = await makeUser(p.slug, "release-manager");
  await postResults(p, "staging", [{ key: "tests/smoke/test_api.py::test_health", status: "passed", durationMs: 41 }]);
  await postMetric(p, "staging", "events_per_sec", 812, "events/s");
  const png = await screenshotFile("ws-network-tab.png");

  await page.goto(releasePath(p.slug, p.version));
  await signInAs(page, manager.email, manager.password);
  const staging = page.getByRole("status", { name: "staging gate" });
  const production = page.getByRole("status", { name: "production gate" });
  await expect(staging).toContainText("staging: gate closed");
  await markDocument(page);

  // The approval, with a link as evidence.
  const approval = page.getByRole("article", { name: "Release manager approval" });
  await approval.getByRole("button", { name: "Sign off Release manager approval" }).click();
  await approval.getByLabel("Evidence link").fill("https://wiki.example/releases/v1.0.0/notes");
  await approval.getByRole("button", { name: "Confirm sign-off for staging" }).click();
  await expect(approval.getByRole("link", { name: "wiki.example/releases/v1.0.0/notes" })).toHaveAttribute("href", "https://wiki.example/releases/v1.0.0/notes");

  // The gate opens without a reload, and offers the deploy.
  await expect(staging).toContainText("staging: gate open");
  await expectSameDocument(page);
  await staging.getByRole("button", { name: "Record deploy to staging" }).click();
  await expect(staging).toContainText("Deploy to staging recorded.");
  await expect(page.getByText(`commit ${p.commit.slice(0, 12)}`)).toContainText("· deployed");
  await screenshot(page, "42-gate-open-deployed");

  // The engineer item, done on staging now that it runs the release, signed with the screenshot as a file.
  const wsEvents = page.getByRole("article", { name: "Critical WebSocket events visible on staging" });
  await expect(production.getByRole("listitem").filter({ hasText: "Critical WebSocket events visible on staging" })).toContainText("needs 1 more sign-off from engineer");
  await wsEvents.getByRole("button", { name: "Sign off Critical WebSocket events visible on staging" }).click();
  const form = wsEvents.getByRole("form", { name: "Sign off Critical WebSocket events visible on staging for staging" });
  await form.getByLabel(/Comment/).fill("All 5 events in Network > WS, screenshot attached");
  await form.getByLabel(/Evidence file/).setInputFiles(png);
  await expect(form).toContainText(`Attaching ws-network-tab.png (${PNG.length} B)`);
  await screenshot(page, "40-signoff-evidence-form");
  await form.getByRole("button", { name: "Confirm sign-off for staging" }).click();

  const signOffs = wsEvents.getByRole("list", { name: "Sign-offs" });
  await expect(signOffs).toContainText("Signed off by");
  const fileLink = signOffs.getByRole("link", { name: "ws-network-tab.png" });
  await expect(fileLink).toBeVisible();
  await expect(signOffs).toContainText(`(${PNG.length} B)`);
  // The link downloads the very bytes, as an attachment with the safe headers.
  const href = await fileLink.getAttribute("href");
  expect(href).toMatch(new RegExp(`^/api/v1/projects/${p.slug}/releases/${p.version}/evidence/[0-9a-f-]{36}$`));
  const served = await page.request.get(href!);
  expect(served.status()).toBe(200);
  expect(served.headers()["content-type"]).toBe("image/png");
  expect(served.headers()["content-disposition"]).toMatch(/^attachment; filename="ws-network-tab\.png"/);
  expect(Buffer.from(await served.body()).equals(PNG)).toBe(true);
  // Signed on staging, it no longer holds production.
  await expect(production.getByRole("listitem").filter({ hasText: "Critical WebSocket events visible on staging" })).toHaveCount(0);
  await expectSameDocument(page);
  await screenshot(page, "41-signoff-evidence-listed");

  // After the deploy, CI reports the smoke test failing: Rollback recommended, with a form.
  await postResults(p, "staging", [{ key: "tests/smoke/test_api.py::test_health", status: "failed", message: "GET /health returned 503" }]);
  const rollback = page.getByRole("alert", { name: "Rollback recommended" });
  await expect(rollback).toBeVisible();
  await expect(rollback).toContainText("Smoke tests fail after deploy");
  const decision = rollback.getByRole("form", { name: "Rollback decision for staging" });
  await decision.getByLabel("Keep this release").check();
  await decision.getByLabel("Reason").fill("503s came from the load balancer drain; traffic is healthy");
  await screenshot(page, "43-rollback-recommended-decision");
  await decision.getByRole("button", { name: "Record decision" }).click();

  // The loud panel gives way to the decision.
  await expect(rollback).toHaveCount(0);
  const decided = page.getByRole("region", { name: "Rollback decision for staging" });
  await expect(decided).toContainText(`Decision: kept by ${manager.email}: 503s came from the load balancer drain; traffic is healthy`);
  await expectSameDocument(page);
  await screenshot(page, "44-rollback-kept");
});

test("a sign-off against a page that went stale is refused with the reason, and the page catches up", async ({ page }) => {
  const p = await makeProject();
  const [first, second] = [await makeUser(p.slug, "release-manager"), await makeUser(p.slug, "release-manager")];
  await page.goto(releasePath(p.slug, p.version));
  await signInAs(page, first.email, first.password);
  const approval = page.getByRole("article", { name: "Release manager approval" });
  await approval.getByRole("button", { name: "Sign off Release manager approval" }).click();
  await approval.getByLabel(/Comment/).fill("notes and rota checked");

  // Meanwhile someone else signs the same item.
  const cookie = await signIn(second.email, second.password);
  const other = await api(`/api/v1/projects/${p.slug}/releases/${p.version}/items/release-approval/signoffs`, { json: { environment: "staging" }, headers: { cookie, origin: baseUrl() } });
  expect(other.status).toBe(201);
  // Their sign-off is pushed to this page; the open form stays, with what was typed.
  await expect(approval.getByRole("list", { name: "Sign-offs" })).toContainText(`Signed off by release-manager ${second.email.slice(0, 6)}`);
  await expect(approval.getByText("This item changed since you opened the form")).toBeVisible();
  await expect(approval.getByLabel(/Comment/)).toHaveValue("notes and rota checked");

  await approval.getByRole("button", { name: "Confirm sign-off for staging" }).click();
  await expect(approval.getByRole("alert")).toContainText("someone signed off or revoked this item since you loaded the page");
  await expect(approval.getByRole("list", { name: "Sign-offs" })).toContainText(`Signed off by release-manager ${second.email.slice(0, 6)}`);
  await expect(approval.getByRole("button", { name: /^Sign off/ })).toHaveCount(0);
  await screenshot(page, "45-signoff-conflict");
});

test("an admin overrides a closed gate loudly and lifts it; a rebuild greys old sign-offs; a deploy lock closes everything", async ({ page }) => {
  const p = await makeProject();
  const admin = await makeUser(p.slug, "admin");
  await page.goto(releasePath(p.slug, p.version));
  await signInAs(page, admin.email, admin.password);

  // Override: the form lives in the closed banner; the banner turns amber and still lists the blockers.
  const staging = page.getByRole("status", { name: "staging gate" });
  await staging.getByText("Override gate (admin)").click();
  const override = staging.getByRole("form", { name: "Override the staging gate" });
  await override.getByLabel(/Reason/).fill("smoke suite is down; fix verified by hand on staging");
  await override.getByRole("button", { name: "Override staging gate" }).click();
  await expect(staging).toContainText("staging: gate OVERRIDDEN");
  await expect(staging).toContainText(`by ${admin.email}: smoke suite is down; fix verified by hand on staging`);
  await expect(staging).toContainText("Still blocking (overridden): 3 blocking");
  await expect(staging.getByRole("button", { name: "Record deploy to staging" })).toBeVisible();
  const badge = await page.request.get(`/api/v1/projects/${p.slug}/releases/${p.version}/badge.svg?environment=staging`);
  expect(await badge.text()).toContain(">overridden</text>");
  await screenshot(page, "46-gate-overridden");
  await staging.getByRole("button", { name: "Lift override of staging" }).click();
  await expect(staging).toContainText("staging: gate closed");

  // A sign-off, then a rebuild: the sign-off stays, greyed, "for commit … (stale)".
  const approval = page.getByRole("article", { name: "Release manager approval" });
  await approval.getByRole("button", { name: "Sign off Release manager approval" }).click();
  await approval.getByRole("button", { name: "Confirm sign-off for staging" }).click();
  await expect(approval).toContainText("Passed");
  const rebuilt = await api(`/api/v1/projects/${p.slug}/releases/${p.version}`, { method: "PATCH", token: p.token, json: { commit: randomSha() } });
  expect(rebuilt.status).toBe(200);
  await expect(approval).toContainText(`for commit ${p.commit.slice(0, 7)} (stale)`);
  await expect(approval).toContainText("Stale");
  await expect(staging.getByRole("listitem").filter({ hasText: "Release manager approval" })).toContainText("stale");
  await screenshot(page, "47-rebuild-stale-signoff");

  // The deploy lock, from the project page: red there and on the release page, every gate closed.
  await page.goto(`/projects/${p.slug}`);
  await page.getByLabel("Reason for locking deploys").fill("incident 4711: payments degraded");
  await page.getByRole("button", { name: "Lock deploys" }).click();
  const locked = page.getByRole("alert", { name: "Deploys locked" });
  await expect(locked).toContainText(`Locked by ${admin.email}`);
  await expect(locked).toContainText("incident 4711: payments degraded");
  await screenshot(page, "48-project-locked");
  await page.goto(releasePath(p.slug, p.version));
  await expect(page.getByRole("alert", { name: "Deploys locked" })).toBeVisible();
  await expect(page.getByRole("status", { name: "production gate" })).toContainText("production: gate closed (project locked)");
  await screenshot(page, "49-release-locked");
  await page.getByRole("link", { name: "Unlock deploys on the project page" }).click();
  await page.getByRole("button", { name: "Unlock deploys" }).click();
  await expect(page.getByRole("alert", { name: "Deploys locked" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Lock deploys" })).toBeVisible();
  await screenshot(page, "50-project-unlocked");
});
