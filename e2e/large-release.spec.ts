// A release whose check covers 10,000 tests: the page shows the counts and the failing tests at
// once, and reads the passing ones page by page only when someone opens the list.
import { makeProject, makeUser } from "../tests/support/fixtures";
import { api } from "../tests/support/http";
import { expect, releasePath, screenshot, signInAs, test } from "./support";

test("a check over 10,000 tests shows its counts and failures, and the passing tests when opened", async ({ page }) => {
  const p = await makeProject();
  const manager = await makeUser(p.slug, "release-manager");
  const results = Array.from({ length: 10_000 }, (_, i) => ({
    key: `tests/smoke/test_${String(i).padStart(5, "0")}.py::test_ok`,
    status: i % 2500 === 3 ? "failed" : "passed",
    ...(i % 2500 === 3 ? { message: `AssertionError: expected 200, got 500 (case ${i})` } : {}),
  }));
  const posted = await api(`/api/v1/projects/${p.slug}/releases/${p.version}/results`, {
    token: p.token,
    json: { environment: "staging", run: { id: "nightly", url: "https://ci.example.com/runs/nightly" }, results },
  });
  expect(posted.status, JSON.stringify(posted.body)).toBe(201);

  await signInAs(page, manager.email, manager.password);
  const loaded = page.waitForResponse((r) => new URL(r.url()).pathname === `/api/v1/projects/${p.slug}/releases/${p.version}` && r.status() === 200);
  await page.goto(releasePath(p.slug, p.version));
  // The page's data is small however many tests the check covers.
  expect((await (await loaded).body()).length).toBeLessThan(200 * 1024);
  const smoke = page.getByRole("article", { name: "Smoke tests pass" });
  await expect(smoke).toContainText("4 of 10000 tests failed");
  await expect(smoke).toContainText("tests/smoke/test_00003.py::test_ok");
  await expect(smoke).toContainText("AssertionError: expected 200, got 500 (case 3)");
  await expect(smoke.getByRole("link", { name: "open CI run" })).toHaveAttribute("href", "https://ci.example.com/runs/nightly");
  const list = smoke.getByText("10000 matching results (9996 passed, 4 failed)");
  await expect(list).toBeVisible();
  await screenshot(page, "large-release-desktop");

  // Opened, the list is read from the results API a page at a time.
  await list.click();
  await expect(smoke.getByText("tests/smoke/test_00000.py::test_ok").first()).toBeVisible();
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, "large-release-phone");
});
