// Email, end to end in the browser: an admin turns email on in Settings; a release manager rejects
// an item through the dialog; the other people who may sign it get the message from a real SMTP
// server (npm smtp-server, on the port the app under test sends to), with the reason as written.
import { SMTPServer } from "smtp-server";
import { db } from "@/lib/db/client";
import { makeProject, makeUser } from "../tests/support/fixtures";
import { expect, releasePath, signInAs, test } from "./support";

type Mail = { to: string[]; raw: string };
const mails: Mail[] = [];

const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS", "AUTH"],
  logger: false,
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", () => {
      mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString("utf8") });
      callback();
    });
  },
});

test.beforeAll(async () => {
  const port = Number(new URL(process.env.SHIPCHECK_SMTP_URL!).port);
  await new Promise<void>((resolve, reject) => {
    smtp.once("error", reject);
    smtp.listen(port, "127.0.0.1", () => resolve());
  });
});
test.afterAll(() => new Promise<void>((resolve) => smtp.close(() => resolve())));

/** The mail's text with quoted-printable soft breaks and escapes undone (the body is ASCII here). */
const textOf = (raw: string) => raw.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

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

  const mine = () => mails.filter((m) => textOf(m.raw).includes(`/projects/${p.slug}/`));
  await expect.poll(() => mine().length, { timeout: 20_000 }).toBeGreaterThan(0);
  const rejected = mine().filter((m) => /X-Shipcheck-Notification: signoff\.rejected/i.test(m.raw));
  expect(rejected.length).toBeGreaterThan(0);
  const to = rejected.flatMap((m) => m.to);
  // Those who may sign a release-manager item, the rejecter included; never the engineer.
  expect(to).toContain(colleague.email);
  expect(to).toContain(admin.email);
  expect(to).not.toContain(engineer.email);
  expect(textOf(rejected[0]!.raw)).toContain(reason);
});
