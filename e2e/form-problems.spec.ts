// A form with several wrong fields lists every problem at once, each in a sentence a person reads.
import { makeProject, makeUser } from "../tests/support/fixtures";
import { expect, screenshot, signInAs, test } from "./support";

test("the new release form says everything that is wrong at once, in plain words", async ({ page }) => {
  const p = await makeProject();
  const manager = await makeUser(p.slug, "release-manager");
  await page.goto(`/projects/${p.slug}`);
  await signInAs(page, manager.email, manager.password);
  const form = page.getByRole("form", { name: "New release" });
  await form.getByLabel("Version", { exact: true }).fill(`v${"9".repeat(120)}`);
  await form.getByLabel("Commit SHA").fill("not-a-sha");
  await form.getByRole("button", { name: "Create release" }).click();
  const alert = form.getByRole("alert");
  await expect(alert).toContainText("2 things to fix:");
  await expect(alert.getByRole("listitem")).toHaveText(["The version is too long: it may have at most 100 characters.", "A commit SHA is 7 to 64 hexadecimal characters."]);
  await expect(alert).not.toContainText(/Too big|expected string|Invalid/);
  await screenshot(page, "84-form-problems");
});
