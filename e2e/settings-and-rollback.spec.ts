// Project settings: an admin creates an API token (shown once) that CI can use, then revokes it.
// After a deploy, a failing smoke test shows "Rollback recommended" on the release page.
import { makeProject, makeUser } from "../tests/support/fixtures";
import { deployToStaging } from "../tests/support/flow";
import { api } from "../tests/support/http";
import { expect, markDocument, expectSameDocument, postResults, releasePath, screenshot, signInAs, test } from "./support";

test("an admin creates a token, CI uses it, and after revocation it is refused", async ({ page }) => {
  const p = await makeProject();
  const admin = await makeUser(p.slug, "admin");
  await page.goto(`/projects/${p.slug}/settings`);
  await signInAs(page, admin.email, admin.password);
  await expect(page.getByRole("heading", { name: "API tokens" })).toBeVisible();

  const form = page.getByRole("form", { name: "New API token" });
  await form.getByLabel("Name").fill("deploy-bot");
  await form.getByRole("button", { name: "Create token" }).click();
  const shown = page.getByRole("status").filter({ hasText: "shown only once" });
  await expect(shown).toBeVisible();
  const token = (await shown.locator("code").textContent())!.trim();
  expect(token).toMatch(/^shp_[0-9A-Za-z]{49}$/);
  await expect(page.getByRole("row", { name: /deploy-bot/ })).toContainText(token.slice(0, 10));
  await screenshot(page, "30-settings-token-created");

  const gate = `/api/v1/projects/${p.slug}/releases/${p.version}/gate?environment=staging`;
  expect((await api(gate, { token })).status).toBe(200);

  page.once("dialog", (dialog) => dialog.accept());
  await page.getByRole("button", { name: "Revoke deploy-bot" }).click();
  await expect(page.getByRole("row", { name: /deploy-bot/ })).toContainText("revoked");
  expect((await api(gate, { token })).status).toBe(401);
});

test("a release manager cannot open project settings", async ({ page }) => {
  const p = await makeProject();
  const manager = await makeUser(p.slug, "release-manager");
  await page.goto(`/projects/${p.slug}/settings`);
  await signInAs(page, manager.email, manager.password);
  // A member: told why, not shown a page that seems not to exist.
  await expect(page.getByRole("alert").filter({ hasText: "Members, API tokens" })).toContainText("managed by the project's admins. You are a release-manager here");
  await expect(page.getByRole("heading", { name: "API tokens" })).toHaveCount(0);
  await screenshot(page, "65-settings-refused");
  // Someone outside the project learns nothing: the app's own 404 page.
  const outsider = await makeUser(null, null);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL((url) => url.pathname === "/signin");
  await page.goto(`/projects/${p.slug}/settings`);
  await signInAs(page, outsider.email, outsider.password);
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Your queue" }).first()).toBeVisible();
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, "66-not-found-phone");
});

test("a failing smoke test after a deploy shows Rollback recommended with the reason and instructions", async ({ page }) => {
  const p = await makeProject();
  const manager = await makeUser(p.slug, "release-manager");
  // CI's passing smoke test and metric, the approval, and the deploy job's record of the deploy.
  await deployToStaging(p);

  await page.goto(releasePath(p.slug, p.version));
  await signInAs(page, manager.email, manager.password);
  await expect(page.getByRole("status", { name: "staging gate" })).toContainText("staging: gate open");
  await expect(page.getByRole("alert", { name: "Rollback recommended" })).toHaveCount(0);
  await markDocument(page);

  await postResults(p, "staging", [{ key: "tests/smoke/test_a.py::test_ok", status: "failed", message: "GET /health returned 503" }]);
  const rollback = page.getByRole("alert", { name: "Rollback recommended" });
  await expect(rollback).toBeVisible();
  await expect(rollback).toContainText("Smoke tests fail after deploy");
  await expect(rollback).toContainText("1 of 1 matching tests failed after the deploy");
  await expect(rollback).toContainText("Roll back to the previous Cloud Run revision");
  await expectSameDocument(page);
  await screenshot(page, "31-rollback-recommended");
});
