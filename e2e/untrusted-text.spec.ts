// CI output is untrusted: a failure message full of markup must show as text and never run.
import { makeProject, makeUser } from "../tests/support/fixtures";
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
