// The overview with more projects than a page holds: the most recently active first, each gate at
// a glance with its first blocker on hover, "N more in flight", and pages of projects.
import { createRelease } from "@/lib/server/create-release";
import { makeProject, makeUser } from "../tests/support/fixtures";
import { db } from "@/lib/db/client";
import { postResults, screenshot, signInAs, test, expect } from "./support";

const system = { principal: { kind: "system" as const, label: "e2e" } };

test("the overview pages through projects, newest activity first, each release's gates at a glance", async ({ page }) => {
  const projects = [];
  for (let i = 0; i < 21; i++) projects.push(await makeProject());
  const busy = projects[20]!;
  for (let i = 1; i <= 6; i++) await createRelease(system, busy.slug, { version: `v1.${i}.0`, commit: busy.commit, template: busy.template });
  const person = await makeUser(busy.slug, "release-manager");
  const user = await db().user.findUniqueOrThrow({ where: { email: person.email } });
  await db().membership.createMany({ data: await Promise.all(projects.slice(0, 20).map(async (p) => ({ userId: user.id, projectId: (await db().project.findUniqueOrThrow({ where: { slug: p.slug } })).id, role: "viewer" as const }))) });
  await postResults(projects[0]!, "staging", [{ key: "tests/smoke/test_login.py::test_ok", status: "failed", message: "AssertionError" }]);

  await signInAs(page, person.email, person.password);
  await page.goto("/");
  await expect(page.getByText("Projects 1–20 of 21, most recently active first")).toBeVisible();
  const first = page.getByRole("region").first();
  await expect(first).toHaveAccessibleName(new RegExp(busy.slug));
  // Five newest releases, then a link to the rest.
  await expect(first.getByRole("listitem")).toHaveCount(5);
  await expect(first.getByRole("link", { name: "v1.6.0" })).toBeVisible();
  await expect(first.getByRole("link", { name: "2 more in flight" })).toHaveAttribute("href", `/projects/${busy.slug}`);
  const chip = first.getByText(/staging\s*blocked \(\d+\)/).first();
  await expect(chip).toHaveAttribute("title", /: /);
  await page.setViewportSize({ width: 1280, height: 900 });
  await screenshot(page, "overview-desktop");
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, "overview-phone");

  await page.getByRole("link", { name: "Older activity →" }).click();
  await expect(page).toHaveURL(/\?page=2$/);
  await expect(page.getByText("Page 2 of 2")).toBeVisible();
  const last = page.getByRole("region", { name: new RegExp(projects[0]!.slug) });
  await expect(last).toContainText(/staging\s*blocked/);
  await page.getByRole("link", { name: "← Newer activity" }).click();
  await expect(page).toHaveURL(/\/$/);
});
