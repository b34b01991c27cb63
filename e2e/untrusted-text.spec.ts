// CI output is untrusted: a failure message full of markup must show as text and never run.
import { stringify } from "yaml";
import { makeProject, makeUser } from "../tests/support/fixtures";
import { api } from "../tests/support/http";
import { putTemplate } from "../tests/support/templates";
import { expect, postResults, releasePath, screenshot, signInAs, test } from "./support";

const HOSTILE = `AssertionError: <script>window.__pwned = true</script><img src=x onerror="window.__pwned=true">`;

test("a failure message with markup is shown as literal text and never executes", async ({ page }) => {
  const p = await makeProject();
  const engineer = await makeUser(p.slug, "engineer");
  // Rendered by the server on first load...
  await postResults(p, "staging", [{ key: "tests/smoke/test_xss.py::test_server_render", status: "failed", message: HOSTILE }]);

  await signInAs(page, engineer.email, engineer.password);
  await page.goto(releasePath(p.slug, p.version));

  const smoke = page.getByRole("article", { name: "Smoke tests pass" });
  await expect(smoke).toContainText("Failed");
  await expect(smoke).toContainText("tests/smoke/test_xss.py::test_server_render");
  await expect(smoke).toContainText(`<script>window.__pwned = true</script>`, { useInnerText: true });
  await expect(smoke).toContainText(`<img src=x onerror="window.__pwned=true">`, { useInnerText: true });

  // ...and by the client when a later poll brings a new one.
  await postResults(p, "staging", [{ key: "tests/smoke/test_xss.py::test_client_render", status: "failed", message: HOSTILE.replace("AssertionError", "Late") }]);
  await expect(smoke).toContainText("tests/smoke/test_xss.py::test_client_render");
  await expect(smoke).toContainText(`Late: <script>window.__pwned = true</script>`, { useInnerText: true });

  // No element was made from the message, and nothing ran.
  await expect(smoke.getByRole("img")).toHaveCount(0);
  // (The page's own data scripts carry the message JSON-escaped; only a script made from it would hold exactly this.)
  expect(await page.evaluate(() => [...document.scripts].filter((s) => s.textContent?.trim() === "window.__pwned = true").length)).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();

  const staging = page.getByRole("status", { name: "staging gate" });
  await expect(staging.getByRole("listitem").filter({ hasText: "Smoke tests pass" }).first()).toContainText("failed");
  // The banner names the failing tests with their first message line, as text too.
  const failing = staging.getByRole("list", { name: "Failing tests" });
  await expect(failing).toContainText("tests/smoke/test_xss.py::test_server_render");
  await expect(failing).toContainText(`Late: <script>window.__pwned = true</script>`, { useInnerText: true });
  await expect(failing.getByRole("img")).toHaveCount(0);
  await screenshot(page, "05-release-failure-message");
});

// A template author's instructions are untrusted too: rendered once when the template is saved,
// and shown from that rendering as text, whatever markup or link they hold.
test("instructions with markup and hostile links show as text, render quickly, and never execute", async ({ page }) => {
  const p = await makeProject();
  const manager = await makeUser(p.slug, "release-manager");
  const instructions = [
    "Before deploying, run the smoke suite:",
    "",
    "```bash",
    "python -m pytest tests/smoke -v",
    "```",
    "",
    `Then ${HOSTILE} and check **the board**: [open it](javascript:window.__pwned=true) or [the runbook](https://runbooks.example/deploy).`,
    "",
    `${"[".repeat(200)} (an unclosed run of brackets, kept as written)`,
  ].join("\n");
  const source = stringify({
    name: "hostile-instructions",
    sections: [
      {
        title: "Pre-deploy checks",
        phase: "pre-deploy",
        items: Array.from({ length: 40 }, (_, i) => ({ key: `check-${i}`, title: `Suite ${i} passes`, kind: "check", patterns: [`tests/suite_${i}/`], instructions })),
      },
    ],
  });
  expect((await putTemplate(p.slug, "hostile-instructions", source, p)).status).toBe(201);
  const created = await api(`/api/v1/projects/${p.slug}/releases`, { token: p.token, json: { version: "v3.0.0", commit: p.commit, template: "hostile-instructions" } });
  expect(created.status).toBe(201);

  await signInAs(page, manager.email, manager.password);
  const started = Date.now();
  await page.goto(releasePath(p.slug, "v3.0.0"));
  const first = page.getByRole("article", { name: "Suite 0 passes" });
  await expect(first).toBeVisible();
  expect(Date.now() - started).toBeLessThan(5_000);

  await first.getByText("Instructions", { exact: true }).click();
  const shown = first.locator("details");
  await expect(shown).toContainText(`<script>window.__pwned = true</script>`, { useInnerText: true });
  await expect(shown).toContainText(`<img src=x onerror="window.__pwned=true">`, { useInnerText: true });
  await expect(shown).toContainText("[[[[[[[[[[");
  await expect(shown.locator("strong")).toHaveText("the board");
  await expect(shown.locator("pre")).toContainText("python -m pytest tests/smoke -v");
  await expect(shown.getByRole("button", { name: "Copy command" })).toBeVisible();
  // The javascript: link keeps its words and loses its address; the https one is a real link.
  await expect(shown.getByRole("link", { name: "open it" })).toHaveCount(0);
  await expect(shown.getByText("open it")).toBeVisible();
  await expect(shown.getByRole("link", { name: "the runbook" })).toHaveAttribute("href", "https://runbooks.example/deploy");
  await shown.getByText("open it").click();
  await expect(page.locator('a[href^="javascript:" i]')).toHaveCount(0);
  await expect(shown.getByRole("img")).toHaveCount(0);
  expect(await page.evaluate(() => [...document.scripts].filter((s) => s.textContent?.trim() === "window.__pwned = true").length)).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();

  await shown.scrollIntoViewIfNeeded();
  await page.screenshot({ path: "test-results/screenshots/06-release-instructions.png" });
  await page.setViewportSize({ width: 390, height: 844 });
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await shown.scrollIntoViewIfNeeded();
  await page.screenshot({ path: "test-results/screenshots/07-release-instructions-phone.png" });
});
