// The account page: changing the password (every problem shown at once, then a confirmation;
// this browser stays signed in, other sessions end) and signing out everywhere. Also a project
// admin signing a member out everywhere from the members panel.
import { makeProject, makeUser } from "../tests/support/fixtures";
import { api, signIn } from "../tests/support/http";
import { expect, releasePath, screenshot, signInAs, test } from "./support";

const stillSignedIn = async (p: { slug: string; version: string }, cookie: string) =>
  (await api(`/api/v1/projects/${p.slug}/releases/${p.version}`, { headers: { cookie } })).status === 200;

const signInWorks = (email: string, password: string) => signIn(email, password).then(() => true, () => false);

test("change the password: every problem at once in plain words, then a confirmation; still signed in here, signed out elsewhere", async ({ page }) => {
  const p = await makeProject();
  const person = await makeUser(p.slug, "engineer");
  const otherDevice = await signIn(person.email, person.password);

  await page.goto(releasePath(p.slug, p.version));
  await signInAs(page, person.email, person.password);
  await page.getByRole("link", { name: person.email }).click();
  await expect(page).toHaveURL((url) => url.pathname === "/account");
  await expect(page.getByRole("heading", { level: 1, name: "Your account" })).toBeVisible();

  const form = page.getByRole("form", { name: "Change password" });
  await form.getByLabel("New password", { exact: true }).fill("short");
  await form.getByLabel("New password again").fill("shorter");
  await form.getByRole("button", { name: "Change password" }).click();
  await expect(form.getByRole("alert").filter({ hasText: "Please fix the 3 problems below. Nothing was changed." })).toBeVisible();
  await expect(form.getByText("Enter your current password.")).toBeVisible();
  await expect(form.getByText("The new password is too short: it has 5 characters and needs at least 12.")).toBeVisible();
  await expect(form.getByText("The two new passwords are different. Type the same new password twice.")).toBeVisible();
  await expect(form.getByLabel("Current password")).toHaveAttribute("aria-invalid", "true");
  await expect(form.getByLabel("New password", { exact: true })).toHaveAccessibleDescription(/too short/);
  await screenshot(page, "60-account-problems-1280");
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, "61-account-problems-390");
  await page.setViewportSize({ width: 1280, height: 900 });

  const next = `correct horse battery ${Date.now()}`;
  await form.getByLabel("Current password").fill(`${person.password}-typo`);
  await form.getByLabel("New password", { exact: true }).fill(next);
  await form.getByLabel("New password again").fill(next);
  await form.getByRole("button", { name: "Change password" }).click();
  await expect(form.getByText("This is not your current password.")).toBeVisible();
  await expect(form.getByText("The current password is not right. Nothing was changed.")).toBeVisible();
  expect(await signInWorks(person.email, person.password)).toBe(true);

  await form.getByLabel("Current password").fill(person.password);
  await form.getByLabel("New password", { exact: true }).fill(next);
  await form.getByLabel("New password again").fill(next);
  await form.getByRole("button", { name: "Change password" }).click();
  const confirmation = form.getByRole("status");
  await expect(confirmation).toHaveText("Your password was changed. Every other session was signed out; you are still signed in here.");
  await expect(form.getByRole("alert").filter({ hasText: /./ })).toHaveCount(0);
  await expect(form.getByLabel("Current password")).toHaveValue("");
  await screenshot(page, "62-account-changed-1280");
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, "63-account-changed-390");
  await page.setViewportSize({ width: 1280, height: 900 });

  // This browser: still signed in, on pages and its release.
  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: "Your account" })).toBeVisible();
  await page.goto(releasePath(p.slug, p.version));
  await expect(page.getByRole("heading", { level: 1, name: `Release ${p.version}` })).toBeVisible();
  // Elsewhere: signed out. And only the new password signs in.
  expect(await stillSignedIn(p, otherDevice)).toBe(false);
  expect(await signInWorks(person.email, person.password)).toBe(false);
  expect(await signInWorks(person.email, next)).toBe(true);
});

test("sign out everywhere from the account page: confirm, then back at sign-in, and every other session ended too", async ({ page }) => {
  const p = await makeProject();
  const person = await makeUser(p.slug, "viewer");
  const otherDevice = await signIn(person.email, person.password);

  await page.goto("/account");
  await signInAs(page, person.email, person.password);
  await expect(page).toHaveURL((url) => url.pathname === "/account");

  await page.getByRole("button", { name: "Sign out everywhere" }).click();
  const confirm = page.getByRole("group", { name: "Confirm signing out everywhere" });
  await expect(confirm).toContainText("this one included");
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await expect(confirm).toHaveCount(0);
  expect(await stillSignedIn(p, otherDevice)).toBe(true);

  await page.getByRole("button", { name: "Sign out everywhere" }).click();
  await screenshot(page, "64-account-sign-out-confirm-1280");
  await page.getByRole("button", { name: "Yes, sign out everywhere" }).click();
  await expect(page).toHaveURL((url) => url.pathname === "/signin");
  await expect(page.getByRole("link", { name: person.email })).toHaveCount(0);
  expect(await stillSignedIn(p, otherDevice)).toBe(false);

  await page.goto("/account");
  await expect(page).toHaveURL((url) => url.pathname === "/signin" && url.searchParams.get("callbackUrl") === "/account");
});

test("a project admin signs a member out everywhere from the members panel, after a confirmation", async ({ page }) => {
  const p = await makeProject();
  const admin = await makeUser(p.slug, "admin");
  const member = await makeUser(p.slug, "engineer");
  const memberSession = await signIn(member.email, member.password);

  await page.goto(`/projects/${p.slug}/settings`);
  await signInAs(page, admin.email, admin.password);
  await expect(page.getByRole("heading", { name: "Members" })).toBeVisible();
  // Not offered for yourself: that is the account page's.
  await expect(page.getByRole("button", { name: `Sign out everywhere: ${admin.email}` })).toHaveCount(0);

  let asked = "";
  page.once("dialog", (dialog) => {
    asked = dialog.message();
    void dialog.dismiss();
  });
  await page.getByRole("button", { name: `Sign out everywhere: ${member.email}` }).click();
  await expect.poll(() => asked).toContain(`Sign ${member.email} out everywhere?`);
  expect(await stillSignedIn(p, memberSession)).toBe(true);

  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByRole("button", { name: `Sign out everywhere: ${member.email}` }).click();
  await expect(page.getByRole("status").filter({ hasText: `${member.email} was signed out everywhere.` })).toBeVisible();
  expect(await stillSignedIn(p, memberSession)).toBe(false);
  await screenshot(page, "65-settings-member-signed-out-1280");
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, "66-settings-member-signed-out-390");
});
