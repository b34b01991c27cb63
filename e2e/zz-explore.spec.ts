import { makeProject, makeUser } from "../tests/support/fixtures";
import { releasePath, screenshot, signInAs, test } from "./support";
test("explore", async ({ page }) => {
  const p = await makeProject();
  const m = await makeUser(p.slug, "release-manager");
  await signInAs(page, m.email, m.password);
  await page.goto(releasePath(p.slug, p.version));
  for (const s of await page.getByText("Instructions", { exact: true }).all()) await s.click();
  await page.getByRole("button", { name: "Sign off Release manager approval" }).click();
  await screenshot(page, "zz-explore-instructions");
  await page.setViewportSize({ width: 390, height: 800 });
  await screenshot(page, "zz-explore-mobile");
});
