// Signing in and out through the real pages, and what each role may do on the release page.
import { makeProject, makeUser } from "../tests/support/fixtures";
import { deployToStaging } from "../tests/support/flow";
import { expect, releasePath, signInAs, test } from "./support";

test("a signed-out visit to a release goes to sign-in and comes back to the release", async ({ page }) => {
  const p = await makeProject();
  const engineer = await makeUser(p.slug, "engineer");
  const path = releasePath(p.slug, p.version);

  await page.goto(path);
  await expect(page).toHaveURL((url) => url.pathname === "/signin" && url.searchParams.get("callbackUrl") === path);
  await expect(page.getByRole("heading", { name: "Sign in to Shipcheck" })).toBeVisible();

  await signInAs(page, engineer.email, engineer.password);
  await expect(page).toHaveURL((url) => url.pathname === path);
  await expect(page.getByRole("heading", { level: 1, name: `Release ${p.version}` })).toBeVisible();
});

test("a wrong password shows an error and keeps you signed out", async ({ page }) => {
  const p = await makeProject();
  const engineer = await makeUser(p.slug, "engineer");

  await page.goto("/signin");
  await page.getByLabel("Email").fill(engineer.email);
  await page.getByLabel("Password").fill(`${engineer.password}-wrong`);
  await page.getByRole("button", { name: "Sign in" }).click();
  // (Next.js's route announcer is an empty role=alert too, hence the filter.)
  await expect(page.getByRole("alert").filter({ hasText: "Wrong email or password." })).toBeVisible();
  await expect(page).toHaveURL(/\/signin/);

  await page.goto(releasePath(p.slug, p.version));
  await expect(page).toHaveURL(/\/signin\?callbackUrl=/);
});

test("after 10 wrong passwords the account is locked: even the right one shows how long to wait", async ({ page }) => {
  const p = await makeProject();
  const engineer = await makeUser(p.slug, "engineer");

  await page.goto("/signin");
  const submit = async (password: string) => {
    await page.getByLabel("Email").fill(engineer.email);
    await page.getByLabel("Password").fill(password);
    const answered = page.waitForResponse((r) => r.url().includes("/api/auth/callback/credentials"));
    await page.getByRole("button", { name: "Sign in" }).click();
    return (await answered).status();
  };
  for (let i = 0; i < 10; i++) expect(await submit(`${engineer.password}-wrong-${i}`)).toBe(401);
  expect(await submit(engineer.password)).toBe(429);
  await expect(page.getByRole("alert").filter({ hasText: /Too many failed sign-ins for this account\. Sign-in is locked; try again in \d+ seconds\./ })).toBeVisible();
  await expect(page).toHaveURL(/\/signin/);
});

test("signing out returns to sign-in and protects the release page again", async ({ page }) => {
  const p = await makeProject();
  const manager = await makeUser(p.slug, "release-manager");
  const path = releasePath(p.slug, p.version);

  await signInAs(page, manager.email, manager.password);
  await page.goto(path);
  await expect(page.getByRole("heading", { level: 1, name: `Release ${p.version}` })).toBeVisible();
  await expect(page.getByText(manager.email)).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL((url) => url.pathname === "/signin");
  await expect(page.getByRole("button", { name: "Sign out" })).toHaveCount(0);

  await page.goto(path);
  await expect(page).toHaveURL((url) => url.pathname === "/signin" && url.searchParams.get("callbackUrl") === path);
});

test("an engineer can sign off the engineer item but not the release manager's approval", async ({ page }) => {
  const p = await makeProject();
  const engineer = await makeUser(p.slug, "engineer");

  await signInAs(page, engineer.email, engineer.password);
  await page.goto(releasePath(p.slug, p.version));

  const approval = page.getByRole("article", { name: "Release manager approval" });
  await expect(approval).toBeVisible();
  await expect(approval).toContainText("needs 1 more sign-off from release-manager");
  await expect(page.getByRole("button", { name: "Sign off Release manager approval" })).toHaveCount(0);

  // The engineer item is done on staging once the release runs there: CI, the release manager's
  // approval and the deploy job take it to staging.
  const wsEvents = page.getByRole("article", { name: "Critical WebSocket events visible on staging" });
  await expect(wsEvents).toContainText("record the deploy to staging first");
  await deployToStaging(p);
  await expect(wsEvents).toContainText("needs 1 more sign-off from engineer");

  await wsEvents.getByRole("button", { name: "Sign off Critical WebSocket events visible on staging" }).click();
  await wsEvents.getByRole("button", { name: "Confirm sign-off for staging" }).click();
  await expect(wsEvents).toContainText(/Signed off by .*\(engineer\)/);
  await expect(wsEvents).toContainText("Passed");

  // Production: the engineer's sign-off counts there; the release manager's approval still waits
  // for a release manager, and the engineer is offered no way to give it.
  const production = page.getByRole("status", { name: "production gate" });
  await expect(production).toContainText("production: gate closed");
  await expect(production.getByRole("listitem").filter({ hasText: "Critical WebSocket events visible on staging" })).toHaveCount(0);
  await expect(production.getByRole("listitem").filter({ hasText: "Release manager approval" })).toHaveCount(1);
  await page.getByRole("tab", { name: "production" }).click();
  await expect(approval).toContainText("needs 1 more sign-off from release-manager");
  await expect(page.getByRole("button", { name: "Sign off Release manager approval" })).toHaveCount(0);
});
