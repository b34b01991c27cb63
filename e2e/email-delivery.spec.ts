// Email, end to end in the browser: an admin turns email on in Settings; a release manager rejects
// an item through the dialog; the other people who may sign it get the message from a real SMTP
// server (npm smtp-server, on the port the app under test sends to), with the reason as written.
import { db } from "@/lib/db/client";
import { makeProject, makeUser } from "../tests/support/fixtures";
import { decodedText, SmtpReceiver } from "../tests/support/smtp-receiver";
import { expect, releasePath, signInAs, test } from "./support";

const smtp = new SmtpReceiver();
test.beforeAll(() => smtp.start());
test.afterAll(() => smtp.stop());

test("email turned on in Settings reaches the people who may sign a rejected item, over real SMTP", async ({ page }) => {
  const p = await makeProject();
  const admin = await makeUser(p.slug, "admin");
  const rejecter = await makeUser(p.slug, "release-manager", "rejecter");
  const colleague = await makeUser(p.slug, "release-manager", "colleague");
  const engineer = await makeUser(p.slug, "engineer");

  await page.goto(`/projects/${p.slug}/settings`);
  await signInAs(page, admin.email, admin.password);
  const email = page.getByLabel("Email the people who can act");
  await email.check();
  await expect.poll(async () => (await db().project.findUniqueOrThrow({ where: { slug: p.slug } })).emailNotifications).toBe(true);
  await page.context().clearCookies();

  await page.goto(releasePath(p.slug, p.version));
  await signInAs(page, rejecter.email, rejecter.password);
  const approval = page.getByRole("article", { name: "Release manager approval" });
  await approval.getByRole("button", { name: "Reject Release manager approval" }).click();
  const dialog = page.getByRole("dialog", { name: "Reject “Release manager approval” for staging?" });
  const reason = "the migration order in the release notes is wrong";
  await dialog.getByLabel(/What is wrong/).fill(reason);
  await dialog.getByRole("button", { name: "Reject item" }).click();
  await expect(dialog).toBeHidden();

  const mine = () => smtp.mails.filter((m) => decodedText(m.raw).includes(`/projects/${p.slug}/`));
  await expect.poll(() => mine().length, { timeout: 20_000 }).toBeGreaterThan(0);
  const rejected = mine().filter((m) => /X-Shipcheck-Notification: signoff\.rejected/i.test(m.raw));
  expect(rejected.length).toBeGreaterThan(0);
  const to = rejected.flatMap((m) => m.to);
  // Those who may sign a release-manager item, the rejecter included; never the engineer.
  expect(to).toContain(colleague.email);
  expect(to).toContain(admin.email);
  expect(to).not.toContain(engineer.email);
  expect(decodedText(rejected[0]!.raw)).toContain(reason);
});
