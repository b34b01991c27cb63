// A release page with items read from Prometheus (Debian's Prometheus scraping a Pushgateway): the
// query as written, the value Prometheus answered and when, and why there is none; the query is
// the template's text and shows as text. Settings sets the Prometheus and never shows the token.
import { makeProject, makeUser, uniqueSuffix } from "../tests/support/fixtures";
import { startPrometheusStack, type PrometheusStack } from "../tests/support/prometheus";
import { expect, releasePath, screenshot, signInAs, test } from "./support";

let stack: PrometheusStack;
test.beforeAll(async () => {
  stack = await startPrometheusStack();
});
test.afterAll(async () => {
  await stack?.stop();
});

const template = (s: string) => `
name: promql
sections:
  - title: Before deploy
    phase: pre-deploy
    items:
      - key: ws-events
        title: WebSocket event count per minute
        kind: metric
        metric: ws_events_per_minute
        source: prometheus
        query: 'sum(ws_events_${s}) * 60'
        operator: ">="
        threshold: 600
        unit: events/min
      - key: agent-completion
        title: Agent completion rate
        kind: metric
        metric: agent_completion_rate
        source: prometheus
        query: 'avg(agent_completion_${s}{team="<img src=x onerror=alert(1)>"})'
        operator: ">="
        threshold: 0.9
  - title: Rollback criteria
    phase: rollback
    items:
      - key: tool-pairing
        title: Tool event pairing (executing/completed) drops
        kind: watch
        metric: { name: tool_pairing, operator: "<", threshold: 0.95, source: prometheus, query: 'sum(tool_completed_${s}) / sum(tool_executing_${s})' }
`;

test("the release page shows each query, Prometheus's answer and when, or why there is none", async ({ page }) => {
  const s = uniqueSuffix();
  const p = await makeProject({ template: template(s) });
  const admin = await makeUser(p.slug, "admin");
  await stack.push(`ws_${s}`, "a", [`ws_events_${s} 12`]);
  await stack.sees(`sum(ws_events_${s})`, (v) => v[0] === 12);

  await page.goto(`/projects/${p.slug}/settings`);
  await signInAs(page, admin.email, admin.password);
  const form = page.getByRole("form", { name: "Prometheus" });
  await form.getByLabel("Base URL").fill(stack.url);
  await form.getByLabel(/Bearer token/).fill("e2e-secret-token");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form.getByRole("status")).toHaveText(`Queries go to ${stack.url} with the bearer token.`);
  await page.reload();
  await expect(page.getByRole("form", { name: "Prometheus" }).getByLabel(/Bearer token/)).toHaveValue("");
  await expect(page.getByText("(set; leave empty to keep)")).toBeVisible();
  expect(await page.content()).not.toContain("e2e-secret-token");

  await page.goto(releasePath(p.slug, p.version));
  const ws = page.locator("#item-ws-events");
  await expect(ws.getByText(`sum(ws_events_${s}) * 60`)).toBeVisible();
  await expect(ws.getByText(/Prometheus answered\s*720/)).toBeVisible();
  await expect(ws.getByText("ws_events_per_minute 720 events/min is >= 600 events/min")).toBeVisible();
  const agents = page.locator("#item-agent-completion");
  await expect(agents.getByText(`avg(agent_completion_${s}{team="<img src=x onerror=alert(1)>"})`)).toBeVisible();
  await expect(agents.getByRole("status")).toContainText("No value from Prometheus: the query returned no sample");
  // Text, not markup.
  expect(await page.locator("#item-agent-completion img").count()).toBe(0);
  await expect(page.locator("#item-tool-pairing").getByText("Not read from Prometheus yet.")).toBeVisible();
  await screenshot(page, "90-promql-release-1280");
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(ws.getByText(/Prometheus answered\s*720/)).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  await screenshot(page, "90-promql-release-390");
  await page.goto(`/projects/${p.slug}/settings`);
  await screenshot(page, "90-promql-settings-390");
});
