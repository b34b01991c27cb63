// Filters on the release page: only what blocks this environment, only what I can sign, one kind.
import { makeProject, makeUser } from "../tests/support/fixtures";
import { expect, releasePath, screenshot, signInAs, test } from "./support";

test("filters narrow the checklist to what blocks the environment, what I can sign, or one kind, and say how many are hidden", async ({ page }) => {
  const p = await makeProject();
  const manager = await makeUser(p.slug, "release-manager");
  await page.goto(releasePath(p.slug, p.version));
  await signInAs(page, manager.email, manager.password);
  const panel = page.getByRole("tabpanel", { name: "staging checklist" });
  const titles = () => panel.getByRole("article").evaluateAll((articles) => articles.map((a) => a.querySelector("h3")?.childNodes[0]?.textContent?.trim()));
  const all = await titles();
  expect(all).toHaveLength(6);

  await panel.getByLabel("Blocking staging only").check();
  expect(await titles()).toEqual(["Smoke tests pass", "WebSocket throughput above 500 events/s", "Release manager approval"]);
  await expect(panel.getByRole("status")).toHaveText("3 of 6 items hidden by the filter");
  await screenshot(page, "67-filters-blocking");

  await panel.getByLabel("Mine to sign").check();
  expect(await titles()).toEqual(["Release manager approval"]);
  await panel.getByLabel("Blocking staging only").uncheck();
  // The check done on staging waits for the deploy: nothing to sign there yet.
  expect(await titles()).toEqual(["Release manager approval"]);

  await panel.getByLabel("Mine to sign").uncheck();
  await panel.getByLabel("Kind").selectOption("watch");
  expect(await titles()).toEqual(["Smoke tests fail after deploy", "Missing event type alert fires"]);
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await screenshot(page, "68-filters-phone");
});
