// The release page from the keyboard: a skip link first, environment tabs moved with the arrow
// keys (the WAI-ARIA tabs pattern), and revoking a sign-off through a dialog that needs a reason.
import { makeProject, makeUser } from "../tests/support/fixtures";
import { api, baseUrl, signIn } from "../tests/support/http";
import { expect, releasePath, screenshot, signInAs, test } from "./support";

test("a skip link leads past the header; the environment tabs follow the arrow keys, Home and End, with one tab in the Tab order", async ({ page }) => {
  const p = await makeProject();
  const viewer = await makeUser(p.slug, "viewer");
  await page.goto(releasePath(p.slug, p.version));
  await signInAs(page, viewer.email, viewer.password);
  // A fresh load: focus starts at the top of the document.
  await page.goto(releasePath(p.slug, p.version));
  await page.getByRole("tab", { name: "staging" }).waitFor();

  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to main content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
  await page.keyboard.press("Enter");
  await expect(page.locator("main")).toBeFocused();

  const staging = page.getByRole("tab", { name: "staging" });
  const production = page.getByRole("tab", { name: "production" });
  await expect(staging).toHaveAttribute("tabindex", "0");
  await expect(production).toHaveAttribute("tabindex", "-1");
  await staging.focus();
  await page.keyboard.press("ArrowRight");
  await expect(production).toBeFocused();
  await expect(production).toHaveAttribute("aria-selected", "true");
  await expect(page.getByRole("tabpanel", { name: "production checklist" })).toBeVisible();
  await page.keyboard.press("ArrowRight");
  await expect(staging).toBeFocused();
  await page.keyboard.press("End");
  await expect(production).toHaveAttribute("aria-selected", "true");
  await page.keyboard.press("Home");
  await expect(staging).toHaveAttribute("aria-selected", "true");
  await expect(staging).toHaveAttribute("aria-controls", "environment-panel");
});

test("revoking a sign-off asks for a reason in a dialog: Escape changes nothing, an empty reason is refused, a reason revokes it", async ({ page }) => {
  const p = await makeProject();
  const manager = await makeUser(p.slug, "release-manager");
  const cookie = await signIn(manager.email, manager.password);
  const signed = await api(`/api/v1/projects/${p.slug}/releases/${p.version}/items/release-approval/signoffs`, { json: { environment: "staging", comment: "rota checked" }, headers: { cookie, origin: baseUrl() } });
  expect(signed.status).toBe(201);

  await page.goto(releasePath(p.slug, p.version));
  await signInAs(page, manager.email, manager.password);
  const approval = page.getByRole("article", { name: "Release manager approval" });
  await approval.getByRole("button", { name: "Revoke" }).click();
  const dialog = page.getByRole("dialog", { name: /^Revoke the sign-off by / });
  await expect(dialog).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(approval.getByRole("list", { name: "Sign-offs" })).not.toContainText("revoked");

  await approval.getByRole("button", { name: "Revoke" }).click();
  await dialog.getByRole("button", { name: "Revoke sign-off" }).click();
  await expect(dialog.getByRole("alert")).toHaveText("Say why: the reason is kept in the audit trail.");
  await dialog.getByLabel(/Why is it revoked/).fill("signed against the wrong notes");
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, "64-revoke-dialog-phone");
  await dialog.getByRole("button", { name: "Revoke sign-off" }).click();
  await expect(dialog).toBeHidden();
  await expect(approval.getByRole("list", { name: "Sign-offs" })).toContainText("revoked: signed against the wrong notes");
});
