// A section of the release page shown compact, one line per item (status, title, key), toggled
// from the keyboard and remembered after a reload; an item jumped to is shown in full.
import { makeProject, makeUser } from "../tests/support/fixtures";
import { expect, releasePath, screenshot, signInAs, test } from "./support";

test("a compact section shows one line per item, is remembered, and opens an item jumped to", async ({ page }) => {
  const p = await makeProject();
  const manager = await makeUser(p.slug, "release-manager");
  await page.goto(releasePath(p.slug, p.version));
  await signInAs(page, manager.email, manager.password);
  const checks = page.getByRole("region", { name: "Pre-deploy checks" });
  const rollback = page.getByRole("region", { name: "Rollback criteria" });
  const toggle = checks.getByRole("button", { name: "Compact view of Pre-deploy checks" });
  await expect(toggle).toHaveAttribute("aria-pressed", "false");
  await expect(checks.getByRole("button", { name: /Sign off/ }).first()).toBeVisible();

  await toggle.focus();
  await page.keyboard.press("Enter");
  await expect(toggle).toHaveAttribute("aria-pressed", "true");
  const items = checks.getByRole("article");
  await expect(items).toHaveCount(4);
  for (const item of await items.all()) {
    // One line: a status, the title and the key, nothing else.
    expect((await item.boundingBox())!.height).toBeLessThan(40);
  }
  await expect(items.first()).toContainText("Pending");
  await expect(items.first()).toContainText("Smoke tests pass");
  await expect(items.first()).toContainText("smoke-tests");
  await expect(checks.getByRole("button", { name: /Sign off/ })).toHaveCount(0);
  await expect(checks.getByText("Instructions")).toHaveCount(0);
  // Other sections stay as they were.
  await expect(rollback.getByRole("button", { name: "Compact view of Rollback criteria" })).toHaveAttribute("aria-pressed", "false");
  await expect(rollback.getByText("WATCH", { exact: false }).first()).toBeVisible();
  await screenshot(page, "83-compact-section");

  await page.reload();
  await expect(checks.getByRole("button", { name: "Compact view of Pre-deploy checks" })).toHaveAttribute("aria-pressed", "true");
  await expect(checks.getByRole("button", { name: /Sign off/ })).toHaveCount(0);

  // A link to one item (from the queue, a banner) shows it in full inside the compact section.
  await page.goto(`${releasePath(p.slug, p.version)}#item-release-approval`);
  await expect(page.locator("#item-release-approval").getByRole("button", { name: /Sign off/ })).toBeVisible();
  await expect(page.locator("#item-smoke-tests").getByText("Instructions")).toHaveCount(0);

  await page.goto(releasePath(p.slug, p.version));
  await checks.getByRole("button", { name: "Compact view of Pre-deploy checks" }).press("Space");
  await expect(checks.getByRole("button", { name: "Compact view of Pre-deploy checks" })).toHaveAttribute("aria-pressed", "false");
  await expect(checks.getByRole("button", { name: /Sign off/ }).first()).toBeVisible();
});
