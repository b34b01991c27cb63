// A release manager opens their queue from the header, sees what waits for them, follows an
// entry to the item on the right environment's tab, signs it, and the queue no longer lists it.
import { makeProject, makeUser } from "../tests/support/fixtures";
import { expect, screenshot, signInAs, test } from "./support";

test("the queue lists what I can sign, oldest first; an entry opens the item on its environment; signed, it leaves the queue", async ({ page }) => {
  const p = await makeProject();
  const manager = await makeUser(p.slug, "release-manager");
  await page.goto("/queue");
  await signInAs(page, manager.email, manager.password);
  await page.getByRole("link", { name: "Your queue" }).click();
  await expect(page.getByRole("heading", { name: "Waiting for your sign-off" })).toBeVisible();

  const queue = page.getByRole("list", { name: "Your queue" });
  const mine = queue.getByRole("listitem").filter({ hasText: `${p.version} · sign for` }).filter({ hasText: p.slug });
  await expect(mine).toHaveCount(2);
  await expect(mine.filter({ hasText: "sign for staging" })).toContainText("needs 1 more sign-off from release-manager");
  await expect(mine.first()).toContainText(/waiting (just now|\d+ min)/);
  await screenshot(page, "62-queue-desktop");

  await mine.filter({ hasText: "sign for staging" }).getByRole("link", { name: "Release manager approval" }).click();
  await expect(page).toHaveURL(/\?env=staging#item-release-approval$/);
  await expect(page.getByRole("tab", { name: "staging" })).toHaveAttribute("aria-selected", "true");
  const item = page.getByRole("article", { name: "Release manager approval" });
  await expect(item).toBeInViewport();
  await expect(item).toHaveAttribute("data-highlighted", "true");

  await item.getByRole("button", { name: "Sign off Release manager approval" }).click();
  await item.getByLabel(/Comment/).fill("notes and rota checked");
  await item.getByRole("button", { name: "Confirm sign-off for staging" }).click();
  await expect(item.getByRole("list", { name: "Sign-offs" })).toContainText("Signed off by");

  await page.goto("/queue");
  await expect(mine).toHaveCount(1);
  await expect(mine).toContainText("sign for production");

  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await screenshot(page, "63-queue-phone");
});
