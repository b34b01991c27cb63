// A release manager rejects a signed item through the reason dialog and the gate banner says who,
// why and for which commit; a new sign-off clears it. Another assigns an item to a colleague, who
// finds it first in their queue, marked "Assigned to you".
import { api } from "../tests/support/http";
import { makeProject, makeUser } from "../tests/support/fixtures";
import { db } from "@/lib/db/client";
import { expect, releasePath, screenshot, signInAs, test } from "./support";

test("reject through the dialog: the item and the banner say who, why and which commit; signing again clears it", async ({ page }) => {
  const p = await makeProject();
  const signer = await makeUser(p.slug, "release-manager", "signer");
  const rejecter = await makeUser(p.slug, "release-manager", "rejecter");
  const colleague = await makeUser(p.slug, "release-manager", "colleague");
  const rejecterName = (await db().user.findUniqueOrThrow({ where: { id: rejecter.id } })).name!;
  const colleagueName = (await db().user.findUniqueOrThrow({ where: { id: colleague.id } })).name!;

  await page.goto(releasePath(p.slug, p.version));
  await signInAs(page, signer.email, signer.password);
  const approval = page.getByRole("article", { name: "Release manager approval" });
  await approval.getByRole("button", { name: "Sign off Release manager approval" }).click();
  await approval.getByRole("button", { name: "Confirm sign-off for staging" }).click();
  await expect(approval.getByRole("list", { name: "Sign-offs" })).toContainText("Signed off by");
  await page.context().clearCookies();

  await page.goto(releasePath(p.slug, p.version));
  await signInAs(page, rejecter.email, rejecter.password);
  const banner = page.getByRole("status", { name: "staging gate" });
  await expect(banner).not.toContainText("rejected");
  await expect(approval.getByRole("button", { name: "Reject Release manager approval" })).toBeVisible();
  await screenshot(page, "75-before-reject-desktop");
  await approval.getByRole("button", { name: "Reject Release manager approval" }).click();
  const dialog = page.getByRole("dialog", { name: "Reject “Release manager approval” for staging?" });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("Required, at most 2,000 characters (2,000 left).");
  // The reason is required: nothing is sent without one.
  await dialog.getByRole("button", { name: "Reject item" }).click();
  await expect(dialog.getByRole("alert")).toHaveText("Say why: the reason is kept in the audit trail.");
  const reason = "release notes still list the old <b>migration</b> order";
  await dialog.getByLabel(/What is wrong/).fill(reason);
  await expect(dialog).toContainText(`(${(2000 - reason.length).toLocaleString("en")} left)`);
  await screenshot(page, "74-reject-dialog-desktop");
  await dialog.getByRole("button", { name: "Reject item" }).click();
  await expect(dialog).toBeHidden();

  const short = p.commit.slice(0, 7);
  const standing = approval.getByRole("list", { name: "Rejections" }).getByRole("status");
  await expect(standing).toContainText(`Rejected by ${rejecterName} (release-manager) — ${reason} — for commit ${short}`);
  await expect(approval).toContainText("Rejected");
  // Untrusted text stays text: the tag shows as written, nothing is bolded.
  await expect(approval.locator("b")).toHaveCount(0);
  await expect(banner).toContainText(`rejected by ${rejecterName} for ${short}: ${reason}`);
  await expect(approval.getByRole("button", { name: "Reject Release manager approval" })).toHaveCount(0);

  // An assigned item next to it, for the screenshots.
  await approval.getByLabel("Assign to").selectOption({ label: colleagueName });
  await approval.getByRole("button", { name: "Save" }).click();
  await expect(approval).toContainText(`Assigned to ${colleagueName}`);
  await screenshot(page, "70-rejected-and-assigned-desktop");
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(standing).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await screenshot(page, "71-rejected-and-assigned-phone");
  await page.setViewportSize({ width: 1280, height: 900 });

  // A new sign-off answers it: the banner no longer names it, the rejection becomes history.
  await approval.getByRole("button", { name: "Sign off Release manager approval" }).click();
  await approval.getByRole("button", { name: "Confirm sign-off for staging" }).click();
  await expect(approval.getByRole("list", { name: "Rejections" })).toContainText("cleared by a later sign-off");
  await expect(approval.getByRole("list", { name: "Rejections" }).getByRole("status")).toHaveCount(0);
  await expect(banner).not.toContainText("rejected");
});

test("assign an item to a colleague: it comes first in their queue, marked Assigned to you", async ({ page, browser }) => {
  const older = await makeProject();
  const newer = await makeProject();
  const assignee = await makeUser(older.slug, "release-manager", "assignee");
  const manager = await makeUser(newer.slug, "release-manager", "lead");
  const newerProject = await db().project.findUniqueOrThrow({ where: { slug: newer.slug } });
  await db().membership.create({ data: { userId: assignee.id, projectId: newerProject.id, role: "release_manager" } });
  const assigneeName = (await db().user.findUniqueOrThrow({ where: { id: assignee.id } })).name!;

  await page.goto(releasePath(newer.slug, newer.version));
  await signInAs(page, manager.email, manager.password);
  const approval = page.getByRole("article", { name: "Release manager approval" });
  await expect(approval).toContainText("Not assigned");
  await approval.getByLabel("Assign to").selectOption({ label: assigneeName });
  await approval.getByRole("button", { name: "Save" }).click();
  await expect(approval).toContainText(`Assigned to ${assigneeName}`);
  const release = await api(`/api/v1/projects/${newer.slug}/releases/${newer.version}`, { token: newer.token });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const item = (release.body.sections as any[]).flatMap((s) => s.items).find((i) => i.key === "release-approval");
  expect(item.assignee).toMatchObject({ userId: assignee.id, name: assigneeName });

  const theirs = await browser.newContext({ baseURL: new URL(page.url()).origin });
  const other = await theirs.newPage();
  await other.goto("/queue");
  await signInAs(other, assignee.email, assignee.password);
  await other.goto("/queue");
  const entries = other.getByRole("list", { name: "Your queue" }).getByRole("listitem");
  await expect(entries.first()).toContainText("Assigned to you");
  await expect(entries.first()).toContainText(newer.slug);
  // The older release's items follow, unmarked.
  await expect(entries.filter({ hasText: older.slug }).first()).not.toContainText("Assigned to you");
  await expect(entries.filter({ hasText: "Assigned to you" })).toHaveCount(2);
  await screenshot(other, "72-queue-assigned-desktop");
  await other.setViewportSize({ width: 390, height: 844 });
  expect(await other.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await screenshot(other, "73-queue-assigned-phone");

  // On the release page the assignee reads it as theirs.
  await other.getByRole("list", { name: "Your queue" }).getByRole("link", { name: "Release manager approval" }).first().click();
  await expect(other.getByRole("article", { name: "Release manager approval" })).toContainText("Assigned to you");
  await theirs.close();
});
