// The walking skeleton in a browser: a release manager watches CI fill in the automated items
// live, approves, sees the staging gate open while production stays closed, records the deploy to
// staging and signs off the WebSocket check done there, which production waited for.
import { makeProject, makeUser } from "../tests/support/fixtures";
import { expect, expectSameDocument, markDocument, postMetric, postResults, releasePath, screenshot, signInAs, test } from "./support";

test("staging gate opens live as CI reports and people sign off; the check done on staging after its deploy then clears production", async ({ page }) => {
  const p = await makeProject();
  const manager = await makeUser(p.slug, "release-manager");

  await page.goto("/signin");
  await expect(page.getByRole("heading", { name: "Sign in to Shipcheck" })).toBeVisible();
  await screenshot(page, "01-sign-in");
  await signInAs(page, manager.email, manager.password);

  await page.goto(releasePath(p.slug, p.version));
  await expect(page.getByRole("heading", { level: 1, name: `Release ${p.version}` })).toBeVisible();
  await expect(page.getByRole("tab", { name: "staging" })).toHaveAttribute("aria-selected", "true");

  // Closed, and the banner says exactly why, item by item.
  const staging = page.getByRole("status", { name: "staging gate" });
  const production = page.getByRole("status", { name: "production gate" });
  await expect(staging).toContainText("staging: gate closed");
  await expect(staging.getByRole("listitem")).toHaveText([
    /Smoke tests pass.*no result yet/,
    /WebSocket throughput above 500 events\/s.*no value for events_per_sec yet/,
    /Release manager approval.*needs 1 more sign-off from release-manager/,
  ]);
  // The WebSocket check is done on staging after its deploy: it waits for that deploy and holds production, not staging.
  const wsEvents = page.getByRole("article", { name: "Critical WebSocket events visible on staging" });
  await expect(wsEvents).toContainText("Done on staging after its deploy; it gates production");
  await expect(wsEvents).toContainText("record the deploy to staging first, then verify on staging");
  await expect(production.getByRole("listitem").filter({ hasText: "Critical WebSocket events visible on staging" })).toContainText("record the deploy to staging first");
  const smoke = page.getByRole("article", { name: "Smoke tests pass" });
  const throughput = page.getByRole("article", { name: "WebSocket throughput above 500 events/s" });
  await expect(smoke).toContainText("Pending");
  // Instructions are Markdown: the fenced command shows as code, not with its backticks.
  await smoke.getByText("Instructions", { exact: true }).click();
  await expect(smoke.getByText("python -m pytest tests/smoke -v --junitxml=smoke.xml")).toBeVisible();
  await expect(smoke).not.toContainText("```");
  await screenshot(page, "02-release-gate-closed");

  // CI reports over the API while the page is open.
  await markDocument(page);
  await postResults(p, "staging", [
    { key: "tests/smoke/test_api.py::test_health", status: "passed", durationMs: 41 },
    { key: "tests/smoke/test_ws.py::test_connect", status: "passed", durationMs: 230 },
  ]);
  await postMetric(p, "staging", "events_per_sec", 812, "events/s");

  // Pushed to the page: no reload, yet the automated items turn green.
  await expect(smoke).toContainText("Passed");
  await expect(smoke).toContainText("2/2 passed");
  await expect(throughput).toContainText("Passed");
  await expect(throughput).toContainText("812");
  await expect(staging.getByRole("listitem")).toHaveText([/Release manager approval/]);
  await expectSameDocument(page);

  // The release manager's approval for staging.
  const approval = page.getByRole("article", { name: "Release manager approval" });
  await approval.getByRole("button", { name: "Sign off Release manager approval" }).click();
  await approval.getByRole("button", { name: "Confirm sign-off for staging" }).click();
  await expect(approval).toContainText("Signed off by");

  // Staging opens without a reload; production still waits for its own results and sign-offs,
  // and for the WebSocket check on staging.
  await expect(staging).toContainText("staging: gate open");
  await expect(staging.getByRole("listitem")).toHaveCount(0);
  await expect(production).toContainText("production: gate closed");
  await expect(production).toContainText("Smoke tests pass");
  await expect(production).toContainText("Critical WebSocket events visible on staging");
  await expectSameDocument(page);
  await screenshot(page, "03-release-staging-open");

  // Deploy to staging from the open gate, then check the WebSocket events there and sign off.
  await staging.getByRole("button", { name: "Record deploy to staging" }).click();
  await expect(staging).toContainText("Deploy to staging recorded.");
  await expect(wsEvents).toContainText("needs 1 more sign-off from engineer");
  await wsEvents.getByRole("button", { name: "Sign off Critical WebSocket events visible on staging" }).click();
  await wsEvents.getByLabel(/Comment/).fill("All 5 events seen in Network > WS");
  await wsEvents.getByRole("button", { name: "Confirm sign-off for staging" }).click();
  await expect(wsEvents).toContainText(`Signed off by`);
  await expect(wsEvents).toContainText("All 5 events seen in Network > WS");
  await expect(wsEvents.getByRole("button", { name: /^Sign off/ })).toHaveCount(0);
  await expect(production).toContainText("production: gate closed");
  await expect(production.getByRole("listitem").filter({ hasText: "Critical WebSocket events visible on staging" })).toHaveCount(0);
  await expectSameDocument(page);
  await screenshot(page, "03b-release-staging-verified");

  // The production tab shows its own, still pending, checklist.
  await page.getByRole("tab", { name: "production" }).click();
  await expect(page.getByRole("tab", { name: "production" })).toHaveAttribute("aria-selected", "true");
  await expect(smoke).toContainText("Pending");
  await expect(approval.getByRole("button", { name: "Sign off Release manager approval" })).toBeVisible();
  // The WebSocket check shows there as done on staging, signed once, nothing more to sign.
  await expect(wsEvents).toContainText("Done on staging after its deploy; it gates production");
  await expect(wsEvents).toContainText("Passed");
  await expect(wsEvents).toContainText("All 5 events seen in Network > WS");
  await expect(wsEvents.getByRole("button", { name: /^Sign off/ })).toHaveCount(0);

  // The overview shows the same verdicts at a glance.
  await page.goto("/");
  const project = page.getByRole("region", { name: new RegExp(p.slug) });
  await expect(project.getByRole("link", { name: p.version })).toBeVisible();
  await expect(project).toContainText(/staging\s*open/);
  await expect(project).toContainText(/production\s*blocked/);
  await screenshot(page, "04-overview");
});
