// Settings → GitHub: an admin links the repository with its webhook secret and the project's
// GitHub App (id and PEM private key); the secrets are never shown back, and the calls Shipcheck
// queued for GitHub are listed with their state.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { db } from "@/lib/db/client";
import { makeProject, makeUser, uniqueSuffix } from "../tests/support/fixtures";
import { expect, screenshot, signInAs, test } from "./support";

test("an admin links the repository and the GitHub App; the key and secret stay write-only", async ({ page }) => {
  const p = await makeProject();
  const admin = await makeUser(p.slug, "admin");
  const repository = `octo-org/app-${uniqueSuffix()}`;
  const secret = randomBytes(24).toString("hex");
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs1", format: "pem" } });

  await page.goto(`/projects/${p.slug}/settings`);
  await signInAs(page, admin.email, admin.password);
  const form = page.getByRole("form", { name: "GitHub repository" });
  await form.getByLabel("Repository").fill(repository);
  await form.getByLabel(/Webhook secret/).fill(secret);
  await form.getByLabel("App ID").fill("424242");
  await form.getByLabel(/Private key/).fill(privateKey);
  await form.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Linked to ${repository}.` })).toBeVisible();
  await expect(form.getByText("installation not seen yet")).toBeVisible();
  await expect(form.getByLabel(/Private key/)).toHaveValue("");
  await expect(form.getByText("(set; leave empty to keep)")).toHaveCount(2);
  await expect(page.getByText("Nothing sent yet.").last()).toBeVisible();
  const html = await page.content();
  expect(html).not.toContain(secret);
  expect(html).not.toContain("PRIVATE KEY-----\nMII");

  const stored = await db().project.findUniqueOrThrow({ where: { slug: p.slug } });
  expect(stored.githubAppId).toBe("424242");
  expect(stored.githubAppPrivateKey?.trim()).toBe(privateKey.trim());

  await page.setViewportSize({ width: 1280, height: 900 });
  await screenshot(page, "70-settings-github-app");
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, "70-settings-github-app-390");
  await page.setViewportSize({ width: 1280, height: 900 });

  // A key that is not one is refused, saying so, and the stored one is kept.
  await form.getByLabel(/Private key/).fill("-----BEGIN RSA PRIVATE KEY-----\nnot a key\n-----END RSA PRIVATE KEY-----");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "not an RSA private key" })).toBeVisible();
  expect((await db().project.findUniqueOrThrow({ where: { slug: p.slug } })).githubAppPrivateKey?.trim()).toBe(privateKey.trim());
});
