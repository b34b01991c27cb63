// Shared pieces of the browser tests: the real sign-in flow, CI calls over HTTP, screenshots.
import { test as base, expect, type Page } from "@playwright/test";
import { disconnectDb } from "@/lib/db/client";
import { api } from "../tests/support/http";

/**
 * Playwright's `test`, plus a worker fixture that closes the Prisma pool the test-data fixtures
 * (tests/support/fixtures.ts) open, so a worker never ends with open database connections.
 */
export const test = base.extend<object, { database: void }>({
  database: [
    async ({}, use) => {
      await use();
      await disconnectDb();
    },
    { scope: "worker", auto: true },
  ],
});
export { expect };

export const releasePath = (project: string, version: string) => `/projects/${project}/releases/${encodeURIComponent(version)}`;

/**
 * Signs in through the real sign-in page. Stays on the page if a redirect already brought the
 * browser there (so its `callbackUrl` is kept); otherwise opens `/signin`.
 * Resolves once the browser has left the sign-in page.
 */
export async function signInAs(page: Page, email: string, password: string): Promise<void> {
  if (new URL(page.url(), "http://x").pathname !== "/signin") await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).not.toHaveURL(/\/signin/);
}

type CiResult = { key: string; status: "passed" | "failed" | "skipped" | "flaky"; durationMs?: number; message?: string | null };

/** Posts test results as CI does: Shipcheck JSON with the project's API token. */
export async function postResults(p: { slug: string; version: string; commit: string; token: string }, environment: string, results: CiResult[]) {
  const response = await api(`/api/v1/projects/${p.slug}/releases/${p.version}/results`, {
    token: p.token,
    json: { environment, commit: p.commit, run: { id: `run-${Date.now()}`, startedAt: new Date().toISOString() }, results },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body;
}

/** Posts named metric values as the benchmark job does. */
export async function postMetric(p: { slug: string; version: string; token: string }, environment: string, name: string, value: number, unit?: string) {
  const response = await api(`/api/v1/projects/${p.slug}/releases/${p.version}/metrics`, {
    token: p.token,
    json: { environment, metrics: [{ name, value, unit }] },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body;
}

/** A full-page screenshot under test-results/screenshots/ (gitignored), for people to look at. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });
}

/**
 * Marks the current document so a test can later prove the page updated live rather than by a
 * navigation or reload (a reload would drop the mark).
 */
export async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => ((window as unknown as { __e2eMark?: boolean }).__e2eMark = true));
}

export async function expectSameDocument(page: Page): Promise<void> {
  expect(await page.evaluate(() => (window as unknown as { __e2eMark?: boolean }).__e2eMark), "the page was reloaded or navigated").toBe(true);
}
