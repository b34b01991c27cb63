// Two app instances behind haproxy, on the suite's database. A viewer's browser is pinned to
// instance B; CI's results land on instance A; B's page shows them within moments although it
// polls only every ten minutes: the change went A → PostgreSQL NOTIFY → B's listener → the
// page's event stream. Then B dies: the page says live updates are interrupted, its stream
// reconnects through the balancer to A, and pushed updates go on.
import { randomBytes } from "node:crypto";
import type { Page, Response } from "@playwright/test";
import { startApp, type RunningApp } from "../scripts/lib/app-under-test";
import { startHaproxy, type RunningBalancer } from "../scripts/lib/haproxy";
import { makeProject, makeUser } from "../tests/support/fixtures";
import { portBesideApp } from "../tests/support/free-port";
import { expect, releasePath, screenshot, signInAs, test } from "./support";

const TEMPLATE = `name: live-checklist
sections:
  - title: Pre-deploy
    phase: pre-deploy
    items:
      - { key: smoke, title: Smoke tests, kind: check, patterns: ["tests/smoke/*"] }
`;

// Far longer than the test: an update that shows within seconds was pushed, not polled.
const FALLBACK_POLL_SECONDS = "600";
const PUSH_LIMIT_MS = 2_000;

let a: RunningApp | undefined;
let b: RunningApp | undefined;
let balancer: RunningBalancer | undefined;

test.beforeAll(async () => {
  test.setTimeout(240_000);
  const publicPort = portBesideApp(12);
  // Instances behind one balancer share the session secret and the public URL.
  const shared = { databaseUrl: process.env.DATABASE_URL!, say: () => undefined, sessionSecret: randomBytes(32).toString("hex"), publicUrl: `http://localhost:${publicPort}` };
  const extraEnv = { SHIPCHECK_FALLBACK_POLL_SECONDS: FALLBACK_POLL_SECONDS };
  [a, b] = await Promise.all([startApp(process.cwd(), { ...shared, port: portBesideApp(10), extraEnv }), startApp(process.cwd(), { ...shared, port: portBesideApp(11), extraEnv })]);
  balancer = await startHaproxy({
    port: publicPort,
    backends: [
      { name: "a", port: portBesideApp(10) },
      { name: "b", port: portBesideApp(11) },
    ],
  });
});

test.afterAll(async () => {
  await balancer?.stop();
  await Promise.all([a?.stop(), b?.stop()]);
});

/** CI posting results, pinned to one instance by the balancer's cookie. */
async function postResults(p: { slug: string; version: string; token: string }, instance: string, status: "passed" | "failed") {
  const sent = performance.now();
  const response = await fetch(`${balancer!.url}/api/v1/projects/${p.slug}/releases/${p.version}/results`, {
    method: "POST",
    headers: { authorization: `Bearer ${p.token}`, "content-type": "application/json", cookie: `${balancer!.cookie}=${instance}` },
    body: JSON.stringify({ environment: "staging", run: { id: `run-${Date.now()}`, startedAt: new Date().toISOString() }, results: [{ key: "tests/smoke/test_health.py::test_ok", status }] }),
  });
  expect(response.status, await response.clone().text()).toBe(201);
  expect(response.headers.get("x-served-by")).toBe(instance);
  return { sent, answered: performance.now() };
}

/** Every GET of the release's JSON the page makes, stamped on arrival here. */
function releaseFetches(page: Page, p: { slug: string; version: string }) {
  const stamps: number[] = [];
  const path = `/api/v1/projects/${p.slug}/releases/${p.version}`;
  page.on("request", (request) => {
    if (request.method() === "GET" && new URL(request.url()).pathname === path) stamps.push(performance.now());
  });
  return stamps;
}

const isEventStream = (response: Response) => new URL(response.url()).pathname.endsWith("/events");

test("a change written on instance A is pushed to a page served by instance B; when B dies the page reconnects through the balancer and stays live", async ({ browser }) => {
  const p = await makeProject({ template: TEMPLATE });
  const viewer = await makeUser(p.slug, "viewer");
  const lb = balancer!.url;
  const context = await browser.newContext({ baseURL: lb, viewport: { width: 1280, height: 900 } });
  await context.addCookies([{ name: balancer!.cookie, value: "b", url: lb }]);
  const page = await context.newPage();

  await page.goto(`${lb}/signin`);
  await signInAs(page, viewer.email, viewer.password);
  const fetches = releaseFetches(page, p);
  const firstStream = page.waitForResponse(isEventStream);
  await page.goto(`${lb}${releasePath(p.slug, p.version)}`);
  const stream = await firstStream;
  expect(stream.status()).toBe(200);
  expect(stream.headers()["x-served-by"]).toBe("b");
  const live = page.locator("[data-live]");
  await expect(live).toHaveAttribute("data-live", "live");
  await expect(live).toHaveText("Live");
  const staging = page.getByRole("status", { name: "staging gate" });
  await expect(staging).toContainText("staging: gate closed");
  await screenshot(page, "live-status-1280");
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, "live-status-390");
  await page.setViewportSize({ width: 1280, height: 900 });

  // Connected, the page does not poll: a quiet second passes without a single fetch.
  await page.waitForTimeout(300);
  const quietFrom = fetches.length;
  await page.waitForTimeout(1_000);
  expect(fetches.length).toBe(quietFrom);

  // CI's passing result lands on A; B's page turns green.
  const { sent, answered } = await postResults(p, "a", "passed");
  await expect(staging).toContainText("staging: gate open", { timeout: PUSH_LIMIT_MS });
  const shownAfter = performance.now() - answered;
  expect(shownAfter).toBeLessThan(PUSH_LIMIT_MS);
  // The page fetched because it was told to: once the write was under way, not on a timer before it.
  expect(fetches.slice(quietFrom).length).toBeGreaterThanOrEqual(1);
  expect(fetches.slice(quietFrom).every((at) => at > sent)).toBe(true);
  console.log(`[live] pushed across instances: POST answered in ${(answered - sent).toFixed(0)} ms, banner updated ${shownAfter.toFixed(0)} ms after that`);

  // B goes away. Its streams end, the page says so, and reconnects through haproxy to A.
  const reconnected = page.waitForResponse((r) => isEventStream(r) && r.headers()["x-served-by"] === "a", { timeout: 20_000 });
  const stopping = b!.stop();
  await expect(live).toHaveAttribute("data-live", "polling", { timeout: 10_000 });
  await expect(live).toHaveText("Live updates interrupted: checking every 600 s");
  await screenshot(page, "live-status-interrupted-1280");
  await stopping;
  expect((await reconnected).status()).toBe(200);
  await expect(live).toHaveAttribute("data-live", "live", { timeout: 10_000 });

  // Still pushed, now from A to A: the failing result closes the gate at once.
  const again = await postResults(p, "a", "failed");
  await expect(staging).toContainText("staging: gate closed", { timeout: PUSH_LIMIT_MS });
  expect(performance.now() - again.answered).toBeLessThan(PUSH_LIMIT_MS);
  await expect(page.getByRole("article", { name: "Smoke tests" })).toContainText("Failed");
  await context.close();
});
