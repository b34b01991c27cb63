// Every page through axe, in the light and the dark colour scheme: no serious or critical
// violations (WCAG 2.1 A and AA rules); in the dark scheme the page is dark indeed.
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { makeProject, makeUser } from "../tests/support/fixtures";
import { api, baseUrl, signIn } from "../tests/support/http";
import { expect, postMetric, postResults, releasePath, signInAs, test } from "./support";

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.length} × ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
}

/** The relative luminance (0 black … 1 white) of the page's background, as the browser paints it. */
async function backgroundLuminance(page: Page): Promise<number> {
  return page.evaluate(() => {
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 1;
    const context = canvas.getContext("2d")!;
    context.fillStyle = getComputedStyle(document.body).backgroundColor;
    context.fillRect(0, 0, 1, 1);
    const [r, g, b] = [...context.getImageData(0, 0, 1, 1).data].map((v) => {
      const c = v / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  });
}

for (const colorScheme of ["light", "dark"] as const) test(`no serious or critical axe violations on the pages people use, ${colorScheme} scheme`, async ({ page }) => {
  await page.emulateMedia({ colorScheme });
  const p = await makeProject();
  const admin = await makeUser(p.slug, "admin");
  // Another member, so Settings shows the per-member buttons (sign out everywhere, remove).
  await makeUser(p.slug, "engineer");
  // A release with something in every part: a failing test, a metric, a sign-off.
  await postResults(p, "staging", [{ key: "tests/smoke/test_api.py::test_health", status: "failed", message: "AssertionError: 503 != 200" }]);
  await postMetric(p, "staging", "events_per_sec", 812, "events/s");
  const cookie = await signIn(admin.email, admin.password);
  expect((await api(`/api/v1/projects/${p.slug}/releases/${p.version}/items/release-approval/signoffs`, { json: { environment: "staging", comment: "checked" }, headers: { cookie, origin: baseUrl() } })).status).toBe(201);
  const found: Record<string, string[]> = {};
  await page.goto("/signin");
  const luminance = await backgroundLuminance(page);
  if (colorScheme === "dark") expect(luminance, "a dark background").toBeLessThan(0.05);
  else expect(luminance, "a light background").toBeGreaterThan(0.8);
  const signin = await seriousViolations(page);
  if (signin.length) found["/signin"] = signin;
  await signInAs(page, admin.email, admin.password);
  const pages = ["/", "/queue", "/account", `/projects/${p.slug}`, releasePath(p.slug, p.version), `/projects/${p.slug}/settings`, `/projects/${p.slug}/templates`, `${releasePath(p.slug, p.version)}/evidence`, "/no-such-page"];
  for (const path of pages) {
    await page.goto(path);
    await page.locator("main").waitFor();
    const violations = await seriousViolations(page);
    if (violations.length) found[path] = violations;
    if (colorScheme === "dark") expect(await backgroundLuminance(page), `${path} is dark`).toBeLessThan(0.05);
  }
  // The release page with its timeline and a check's details open.
  await page.goto(releasePath(p.slug, p.version));
  await page.getByRole("button", { name: /Timeline/ }).click();
  await page.getByRole("list", { name: "Audit events, newest first" }).waitFor();
  for (const summary of await page.getByText("Instructions", { exact: true }).all()) await summary.click();
  const opened = await seriousViolations(page);
  if (opened.length) found["release page, timeline and instructions open"] = opened;
  expect(found).toEqual({});
});
