// Who must act: a sign-off blocker in a gate banner names the members who can give it, and is a
// link that shows its item (for that banner's environment) and highlights it.
import { makeProject, makeUser } from "../tests/support/fixtures";
import { expect, releasePath, screenshot, signInAs, test } from "./support";

test("a sign-off blocker names who can sign and jumps to its item, highlighted, for its environment; on a wide and a narrow screen", async ({ page }) => {
  const p = await makeProject();
  const managers = [await makeUser(p.slug, "release-manager"), await makeUser(p.slug, "release-manager")];
  const engineer = await makeUser(p.slug, "engineer");
  const admin = await makeUser(p.slug, "admin");
  const name = (person: { email: string }, role: string) => `${role} ${person.email.slice(0, 6)}`;

  await page.goto(releasePath(p.slug, p.version));
  await signInAs(page, engineer.email, engineer.password);
  await page.goto(`${releasePath(p.slug, p.version)}?env=production`);
  await expect(page.getByRole("tab", { name: "production" })).toHaveAttribute("aria-selected", "true");

  const staging = page.getByRole("status", { name: "staging gate" });
  const blocker = staging.getByRole("listitem").filter({ has: page.getByRole("link", { name: "Release manager approval" }) });
  await expect(blocker).toContainText("needs 1 more sign-off from release-manager");
  // Release managers and the admin can sign; the engineer (too junior for this item) is not offered.
  const canSign = blocker.getByText(/^Can sign: /);
  for (const person of managers) await expect(canSign).toContainText(name(person, "release-manager"));
  await expect(canSign).toContainText(name(admin, "admin"));
  await expect(canSign).not.toContainText(name(engineer, "engineer"));

  await blocker.getByRole("link", { name: "Release manager approval" }).click();
  await expect(page).toHaveURL(/\?env=staging#item-release-approval$/);
  await expect(page.getByRole("tab", { name: "staging" })).toHaveAttribute("aria-selected", "true");
  const item = page.getByRole("article", { name: "Release manager approval" });
  await expect(item).toBeInViewport();
  await expect(item).toHaveAttribute("data-highlighted", "true");
  await expect(item.getByText(/^Can sign \(release-manager or above\): /)).toContainText(name(managers[0]!, "release-manager"));
  await screenshot(page, "60-who-can-sign-desktop");
  // The address opens the same place: that tab, that item, highlighted.
  await page.reload();
  await expect(page.getByRole("tab", { name: "staging" })).toHaveAttribute("aria-selected", "true");
  await expect(item).toBeInViewport();
  expect(await item.evaluate((el) => el.matches(":target"))).toBe(true);

  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${releasePath(p.slug, p.version)}?env=production`);
  await page.getByRole("status", { name: "staging gate" }).getByRole("link", { name: "Release manager approval" }).click();
  await expect(page.getByRole("article", { name: "Release manager approval" })).toBeInViewport();
  // Nothing on the page is wider than the screen.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await screenshot(page, "61-who-can-sign-phone");
});
