// Settings → Public badge in the browser: an admin makes the key and copies the README Markdown
// (shown once); the badge loads in a browser with no session and says only "closed"; rotating the
// key makes the old address 404.
import AxeBuilder from "@axe-core/playwright";
import { makeProject, makeUser } from "../tests/support/fixtures";
import { expect, screenshot, signInAs, test } from "./support";

test("an admin makes a badge key; the badge loads without a session; a rotated key stops working", async ({ page, browser }) => {
  const p = await makeProject();
  const admin = await makeUser(p.slug, "admin");
  await page.goto(`/projects/${p.slug}/settings`);
  await signInAs(page, admin.email, admin.password);
  const section = page.locator('section[aria-labelledby="badge"]');
  await expect(section).toContainText("There is no key yet.");
  await section.getByRole("button", { name: "Create badge key" }).click();
  const shown = section.getByRole("status").filter({ hasText: "shown only once" });
  await expect(shown).toBeVisible();
  const markdown = (await shown.getByText(/^!\[staging gate\]/).textContent())!.trim();
  const url = /\((http[^)]+)\)$/.exec(markdown)![1]!;
  expect(url).toMatch(/\/api\/v1\/badges\/bdg_[A-Za-z0-9_-]{43}\/latest\/staging\.svg$/);
  await expect(section.getByRole("button", { name: "Rotate badge key" })).toBeVisible();
  await section.scrollIntoViewIfNeeded();
  await screenshot(page, "72-settings-badge-1280");
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, "73-settings-badge-390");
  await page.setViewportSize({ width: 1280, height: 900 });

  // A README reader: a browser with no cookies at all.
  const anonymous = await browser.newContext();
  const reader = await anonymous.newPage();
  const badgePath = new URL(url).pathname;
  const loaded = await reader.goto(new URL(page.url()).origin + badgePath);
  expect(loaded!.status()).toBe(200);
  await expect(reader.locator("svg")).toHaveAttribute("aria-label", "latest staging gate: closed");
  await reader.locator("svg").screenshot({ path: "test-results/screenshots/74-public-badge-closed.png", timeout: 10_000 });

  const serious = (await new AxeBuilder({ page }).include('section[aria-labelledby="badge"]').withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze()).violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(" | ")}`);
  expect(serious).toEqual([]);

  await section.getByRole("button", { name: "Rotate badge key" }).click();
  await expect(section.getByRole("status").filter({ hasText: "old one no longer load" })).toBeVisible();
  // Asked afresh (a browser may keep the badge it has for its 60 seconds of max-age).
  const old = await anonymous.request.get(new URL(page.url()).origin + badgePath);
  expect(old.status()).toBe(404);
  await anonymous.close();
});
