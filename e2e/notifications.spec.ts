// Settings → Notifications in the browser: an admin adds a webhook (the secret shown once) that a
// real HTTP receiver verifies; a first try answered 500 and the retry's 200 are listed with their
// codes; Redeliver sends it again under the same webhook-id. A person chooses their emails.
import AxeBuilder from "@axe-core/playwright";
import { Webhook } from "standardwebhooks";
import { makeProject, makeUser } from "../tests/support/fixtures";
import { deployToStaging } from "../tests/support/flow";
import { WebhookReceiver } from "../tests/support/webhook-receiver";
import { expect, screenshot, signInAs, test } from "./support";

const receiver = new WebhookReceiver();
test.beforeAll(() => receiver.start());
test.afterAll(() => receiver.stop());

test("an admin adds a webhook, sees each attempt's response code and redelivers", async ({ page }) => {
  const p = await makeProject();
  const admin = await makeUser(p.slug, "admin");
  await page.goto(`/projects/${p.slug}/settings`);
  await signInAs(page, admin.email, admin.password);
  await expect(page.getByRole("heading", { name: "Notifications" })).toBeVisible();

  const form = page.getByRole("form", { name: "New webhook" });
  await form.getByLabel("URL").fill(receiver.url);
  // Only "gate opened", so the receiver's one 500 goes to it.
  for (const label of ["A gate closed (with its reasons)", "A sign-off became the last thing blocking a gate", "A manual item was rejected", "A deploy was recorded", "A rollback is recommended"]) {
    await form.getByLabel(label).uncheck();
  }
  await form.getByRole("button", { name: "Add webhook" }).click();
  const shown = page.getByRole("status").filter({ hasText: "shown only once" });
  await expect(shown).toBeVisible();
  const secret = (await shown.getByText(/^whsec_/).textContent())!.trim();
  expect(secret).toMatch(/^whsec_/);
  const hook = page.getByRole("listitem", { name: `Webhook ${receiver.url}` });
  await expect(hook).toContainText("Standard Webhooks · gate.opened · added by");

  receiver.answerWith(500);
  await deployToStaging(p);
  // The page is refreshed by hand: deliveries happen in the background.
  const opened = hook.getByRole("listitem", { name: "Delivery gate.opened delivered" });
  await expect(async () => {
    await hook.getByRole("button", { name: "Refresh" }).click();
    await expect(opened).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  const attempts = opened.getByRole("list", { name: "Attempts" });
  await expect(attempts.getByRole("listitem")).toHaveCount(2);
  await expect(attempts.getByRole("listitem").first()).toContainText("HTTP 200");
  await expect(attempts.getByRole("listitem").last()).toContainText("HTTP 500");
  const messageId = (await opened.getByText(/^msg_/).textContent())!.trim();
  const first = receiver.received.filter((r) => r.headers["webhook-id"] === messageId);
  expect(first.map((r) => r.status)).toEqual([500, 200]);
  expect(new Webhook(secret).verify(first[1]!.body, first[1]!.headers as Record<string, string>)).toMatchObject({ type: "gate.opened", data: { environment: "staging" } });
  await screenshot(page, "60-settings-webhook-deliveries");
  // The notifications section (the whole page is e2e/axe.spec.ts's).
  const serious = async () =>
    (await new AxeBuilder({ page }).include('section[aria-labelledby="webhooks"]').withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze()).violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(" | ")}`);
  expect(await serious()).toEqual([]);
  // And in dark mode, which mirrors the palette.
  await page.emulateMedia({ colorScheme: "dark" });
  expect(await serious()).toEqual([]);
  await screenshot(page, "60-settings-webhook-deliveries-dark");
  await page.emulateMedia({ colorScheme: "light" });

  await opened.getByRole("button", { name: "Redeliver" }).click();
  await expect.poll(() => receiver.received.filter((r) => r.headers["webhook-id"] === messageId).length, { timeout: 15_000 }).toBe(3);
  await expect(async () => {
    await hook.getByRole("button", { name: "Refresh" }).click();
    await expect(opened.getByRole("list", { name: "Attempts" }).getByRole("listitem")).toHaveCount(3, { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });

  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await expect(hook).toBeVisible();
  // Nothing in the notifications section reaches past the screen or scrolls sideways (the API
  // tokens table above it is another matter: it overflows at this width before this change too).
  const widest = await page.locator('section[aria-labelledby="webhooks"]').evaluate((section) => ({
    scroll: section.scrollWidth - section.clientWidth,
    right: Math.max(...[...section.querySelectorAll("*")].map((e) => e.getBoundingClientRect().right)),
  }));
  expect(widest.scroll).toBe(0);
  expect(widest.right).toBeLessThanOrEqual(390);
  await screenshot(page, "61-settings-webhook-deliveries-390");
});

test("a person turns an email notification off on their account page", async ({ page }) => {
  const p = await makeProject();
  const manager = await makeUser(p.slug, "release-manager");
  await page.goto("/account");
  await signInAs(page, manager.email, manager.password);
  const form = page.getByRole("form", { name: "Email notifications" });
  await expect(form.getByLabel("A gate opened")).toBeChecked();
  await form.getByLabel("A gate opened").uncheck();
  await form.getByRole("button", { name: "Save choices" }).click();
  await expect(form.getByRole("status")).toHaveText("Saved.");
  await page.reload();
  await expect(form.getByLabel("A gate opened")).not.toBeChecked();
  await expect(form.getByLabel("A deploy was recorded")).toBeChecked();
  await screenshot(page, "62-account-notifications");
  await page.setViewportSize({ width: 390, height: 844 });
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await screenshot(page, "63-account-notifications-390");
});
