// The releases list says where each release stands per environment (deployed, or its gate) and
// filters by it: "deployed to staging", "not yet deployed to production", kept in the address.
import type { Page } from "@playwright/test";
import { makeProject, makeUser, randomSha } from "../tests/support/fixtures";
import { deployToStaging } from "../tests/support/flow";
import { api } from "../tests/support/http";
import { expect, screenshot, signInAs, test } from "./support";

const rows = (page: Page) => page.getByRole("region", { name: "Releases" }).locator("tbody tr");
const versions = (page: Page) => rows(page).locator("td:first-child").allInnerTexts();

test("each release's standing per environment, and filters by where it was deployed", async ({ page }) => {
  const p = await makeProject();
  await deployToStaging(p);
  expect((await api(`/api/v1/projects/${p.slug}/releases`, { token: p.token, json: { version: "v1.1.0", commit: randomSha(), template: p.template } })).status).toBe(201);
  const viewer = await makeUser(p.slug, "viewer");
  await page.goto(`/projects/${p.slug}`);
  await signInAs(page, viewer.email, viewer.password);

  expect(await versions(page)).toEqual(["v1.1.0", "v1.0.0"]);
  const deployed = rows(page).filter({ hasText: "v1.0.0" });
  await expect(deployed.getByText("staging deployed")).toBeVisible();
  await expect(deployed.getByText(/production gate blocked \(\d+\)/)).toBeVisible();
  await expect(rows(page).filter({ hasText: "v1.1.0" }).getByText(/staging gate blocked \(\d+\)/)).toBeVisible();
  await screenshot(page, "81-releases-environments");

  const filters = page.getByRole("navigation", { name: "Filter by environment" });
  await filters.getByRole("link", { name: "Deployed to staging", exact: true }).click();
  await expect(page).toHaveURL(/\?deployedTo=staging$/);
  expect(await versions(page)).toEqual(["v1.0.0"]);
  await expect(filters.getByRole("link", { name: "Deployed to staging", exact: true })).toHaveAttribute("aria-current", "page");

  // The opposite filter for the same environment replaces it.
  await filters.getByRole("link", { name: "Not yet deployed to staging" }).click();
  await expect(page).toHaveURL(/\?notDeployedTo=staging$/);
  expect(await versions(page)).toEqual(["v1.1.0"]);

  // Filters combine with each other and with the status, from the address alone.
  await page.goto(`/projects/${p.slug}?deployedTo=staging&notDeployedTo=production&status=deployed`);
  expect(await versions(page)).toEqual(["v1.0.0"]);
  await page.getByRole("navigation", { name: "Filter by status" }).getByRole("link", { name: "All" }).click();
  await expect(page).toHaveURL(/\?deployedTo=staging&notDeployedTo=production$/);
  await page.goto(`/projects/${p.slug}?deployedTo=production`);
  await expect(page.getByText("No releases deployed to production.")).toBeVisible();

  await page.goto(`/projects/${p.slug}`);
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    await page.setViewportSize({ width: 1280, height: 900 });
    await screenshot(page, `82-releases-1280-${colorScheme}`);
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    // On a phone each release is a card, its standing per environment in view.
    await expect(page.getByRole("list", { name: "Releases, newest first" }).getByRole("listitem").filter({ hasText: "v1.0.0" }).getByText("staging deployed")).toBeVisible();
    await screenshot(page, `82-releases-390-${colorScheme}`);
  }
});
