// Metric and watch items that name a PromQL query, against Debian's real Prometheus scraping a
// real Pushgateway: a test pushes a value, Prometheus scrapes it, and Shipcheck's gate and
// rollback advice follow what Prometheus answers. Doubtful answers (no sample, several series,
// NaN, Prometheus down, no Prometheus set) never open a gate.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { makeProject, uniqueSuffix } from "../support/fixtures";
import { freePort } from "../support/free-port";
import { api } from "../support/http";
import { startPrometheusStack, type PrometheusStack } from "../support/prometheus";
import { gate, person, type Person } from "../support/templates";

let stack: PrometheusStack;
let promUrl = "";

beforeAll(async () => {
  stack = await startPrometheusStack();
  promUrl = stack.url;
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

const push = (job: string, instance: string, lines: string[]) => stack.push(job, instance, lines);
const prometheusSees = (promql: string, accept: (values: number[]) => boolean) => stack.sees(promql, accept);

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
        query: 'agent_completion_${s}'
        operator: ">="
        threshold: 0.9
        required: false
  - title: Rollback criteria
    phase: rollback
    items:
      - key: tool-pairing
        title: Tool event pairing (executing/completed) drops
        kind: watch
        metric: { name: tool_pairing, operator: "<", threshold: 0.95, source: prometheus, query: 'sum(tool_completed_${s}) / sum(tool_executing_${s})' }
`;

type Project = Awaited<ReturnType<typeof makeProject>> & { s: string; admin: Person };

async function project(options: { source?: boolean; token?: string } = {}): Promise<Project> {
  const s = uniqueSuffix();
  const p = await makeProject({ template: template(s) });
  const admin = await person(p.slug, "admin");
  if (options.source !== false) {
    const set = await api(`/api/v1/projects/${p.slug}/data-sources/prometheus`, { method: "PUT", headers: admin.headers, json: { url: promUrl, bearerToken: options.token } });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
  }
  return { ...p, s, admin };
}

const wsItem = async (p: Project) => (await gate(p.slug, p.version, p.token)).blocking.find((b) => b.item === "ws-events");
/** Gate reads until the item's blocker says what is expected (readings older than a second are read again). */
async function gateUntil(p: Project, accept: (g: Awaited<ReturnType<typeof gate>>) => boolean) {
  let last: unknown;
  for (let i = 0; i < 40; i++) {
    const g = await gate(p.slug, p.version, p.token);
    if (accept(g)) return g;
    last = g;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`the gate never got there: ${JSON.stringify(last)}`);
}

async function releaseState(p: Project) {
  const response = await api(`/api/v1/projects/${p.slug}/releases/${p.version}`, { token: p.token });
  expect(response.status).toBe(200);
  return response.body as {
    sections: { items: { key: string; query: string | null; environments: Record<string, { status: string; summary: string; reading: { query: string; value: number | null; error: string | null; ranAt: string } | null }> }[] }[];
    rollback: Record<string, { recommended: boolean; reasons: { item: string; detail: string }[] }>;
  };
}
const itemOf = async (p: Project, key: string) => (await releaseState(p)).sections.flatMap((s) => s.items).find((i) => i.key === key)!;

describe("a metric item with a PromQL query", () => {
  it("passes when Prometheus's value meets the threshold, fails when it does not, and stores each reading with its query, commit and time", async () => {
    const p = await project();
    await push(`ws_${p.s}`, "a", [`ws_events_${p.s} 12`]);
    await prometheusSees(`sum(ws_events_${p.s})`, (v) => v[0] === 12);
    const open = await gateUntil(p, (g) => g.open);
    expect(open.blocking).toEqual([]);

    const release = await db().release.findFirstOrThrow({ where: { project: { slug: p.slug } } });
    const readings = await db().metric.findMany({ where: { releaseId: release.id, name: "ws_events_per_minute" }, orderBy: { reportedAt: "desc" } });
    expect(readings[0]).toMatchObject({ source: "prometheus", query: `sum(ws_events_${p.s}) * 60`, value: 720, error: null, commitSha: p.commit, environment: null });
    const audited = await db().auditEvent.findFirstOrThrow({ where: { releaseId: release.id, action: "metrics.queried" }, orderBy: { id: "desc" } });
    expect(audited.actorLabel).toBe("prometheus");
    expect(JSON.stringify(audited.after)).toContain(`sum(ws_events_${p.s}) * 60`);

    const item = await itemOf(p, "ws-events");
    expect(item.query).toBe(`sum(ws_events_${p.s}) * 60`);
    expect(item.environments.staging!.reading).toMatchObject({ query: item.query, value: 720, error: null });
    expect(Date.parse(item.environments.staging!.reading!.ranAt)).toBeGreaterThan(Date.now() - 60_000);

    await push(`ws_${p.s}`, "a", [`ws_events_${p.s} 5`]);
    await prometheusSees(`sum(ws_events_${p.s})`, (v) => v[0] === 5);
    const closed = await gateUntil(p, (g) => !g.open);
    expect(closed.blocking).toEqual([expect.objectContaining({ item: "ws-events", reason: "metric", detail: "ws_events_per_minute 300 events/min is not >= 600 events/min" })]);
  }, 60_000);

  it("a deploy asks Prometheus first: refused when the value dropped since the gate was last read", async () => {
    const p = await project();
    await push(`ws_${p.s}`, "a", [`ws_events_${p.s} 11`]);
    await prometheusSees(`sum(ws_events_${p.s})`, (v) => v[0] === 11);
    await gateUntil(p, (g) => g.open);
    await push(`ws_${p.s}`, "a", [`ws_events_${p.s} 2`]);
    await prometheusSees(`sum(ws_events_${p.s})`, (v) => v[0] === 2);
    await new Promise((r) => setTimeout(r, 1_100));
    const refused = await api(`/api/v1/projects/${p.slug}/releases/${p.version}/deployments`, { token: p.token, json: { environment: "staging" } });
    expect(refused.status).toBe(409);
    expect(JSON.stringify(refused.body)).toContain("ws_events_per_minute 120 events/min is not >= 600 events/min");
  }, 60_000);

  it("stays not passed, saying why, when the query returns no sample", async () => {
    const p = await project();
    const blocker = await wsItem(p);
    expect(blocker).toMatchObject({ reason: "pending", detail: "ws_events_per_minute: no value from Prometheus: the query returned no sample" });
    // The advisory item is shown with its reason too.
    expect((await itemOf(p, "agent-completion")).environments.staging).toMatchObject({ status: "pending", reading: { value: null, error: "the query returned no sample" } });
  });

  it("stays not passed when the query returns several series", async () => {
    const p = await project();
    await push(`agents_${p.s}`, "one", [`agent_completion_${p.s} 0.97`]);
    await push(`agents_${p.s}`, "two", [`agent_completion_${p.s} 0.99`]);
    await prometheusSees(`agent_completion_${p.s}`, (v) => v.length === 2);
    await new Promise((r) => setTimeout(r, 1_100));
    const item = await itemOf(p, "agent-completion");
    expect(item.environments.staging!.status).toBe("pending");
    expect(item.environments.staging!.reading!.error).toMatch(/^the query returned 2 series, expected one/);
  }, 60_000);

  it("a NaN answer is no value, and a query Prometheus refuses says Prometheus's reason", async () => {
    const s = uniqueSuffix();
    const p = await makeProject({
      template: `
name: odd
sections:
  - title: Before deploy
    phase: pre-deploy
    items:
      - { key: nan, title: Ratio, kind: metric, metric: ratio_${s}, source: prometheus, query: "0 / 0", operator: ">", threshold: 0 }
      - { key: broken, title: Broken, kind: metric, metric: broken_${s}, source: prometheus, query: "sum(rate(", operator: ">", threshold: 0 }
`,
    });
    const admin = await person(p.slug, "admin");
    expect((await api(`/api/v1/projects/${p.slug}/data-sources/prometheus`, { method: "PUT", headers: admin.headers, json: { url: promUrl } })).status).toBe(200);
    const g = await gate(p.slug, p.version, p.token);
    expect(g.open).toBe(false);
    expect(g.blocking.find((b) => b.item === "nan")).toMatchObject({ reason: "pending", detail: `ratio_${s}: no value from Prometheus: the value is NaN, not a finite number` });
    expect(g.blocking.find((b) => b.item === "broken")!.detail).toMatch(new RegExp(`^broken_${s}: no value from Prometheus: Prometheus refused the query: bad_data: `));
  });

  it("a passing item stops passing when Prometheus is down: the latest reading has no value", async () => {
    const p = await project();
    await push(`ws_${p.s}`, "a", [`ws_events_${p.s} 20`]);
    await prometheusSees(`sum(ws_events_${p.s})`, (v) => v[0] === 20);
    await gateUntil(p, (g) => g.open);
    const down = `http://127.0.0.1:${await freePort()}`;
    expect((await api(`/api/v1/projects/${p.slug}/data-sources/prometheus`, { method: "PUT", headers: p.admin.headers, json: { url: down } })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_100));
    const g = await gate(p.slug, p.version, p.token);
    expect(g.open).toBe(false);
    expect(g.blocking).toEqual([expect.objectContaining({ item: "ws-events", reason: "pending", detail: expect.stringMatching(/^ws_events_per_minute: no value from Prometheus: Prometheus cannot be reached/) })]);
  }, 60_000);

  it("without a Prometheus set, the item is pending and says where to set one", async () => {
    const p = await project({ source: false });
    expect(await wsItem(p)).toMatchObject({ reason: "pending", detail: "ws_events_per_minute: no value from Prometheus: no Prometheus is set for this project (Settings → Prometheus)" });
  });
});

describe("the project's Prometheus setting", () => {
  it("keeps the bearer token out of every answer and the audit trail; admins only; bad URLs are 422", async () => {
    const secret = `prom-token-${uniqueSuffix()}`;
    const p = await project({ token: secret });
    const settings = `/api/v1/projects/${p.slug}/data-sources/prometheus`;
    const read = await api(settings, { headers: p.admin.headers });
    expect(read.body).toEqual({ url: promUrl, bearerTokenSet: true });
    // Left out: kept. null: removed.
    expect((await api(settings, { method: "PUT", headers: p.admin.headers, json: { url: promUrl } })).body).toEqual({ url: promUrl, bearerTokenSet: true });
    const row = await db().project.findUniqueOrThrow({ where: { slug: p.slug } });
    expect(row.prometheusBearerToken).toBe(secret);
    const events = await db().auditEvent.findMany({ where: { projectId: row.id } });
    expect(events.some((e) => e.action === "project.prometheus_changed")).toBe(true);
    expect(JSON.stringify(events.map((e) => [e.before, e.after]))).not.toContain(secret);
    await gate(p.slug, p.version, p.token);
    expect(JSON.stringify(await releaseState(p))).not.toContain(secret);
    expect((await api(settings, { method: "PUT", headers: p.admin.headers, json: { url: promUrl, bearerToken: null } })).body).toEqual({ url: promUrl, bearerTokenSet: false });

    const viewer = await person(p.slug, "viewer");
    expect((await api(settings, { headers: viewer.headers })).status).toBe(403);
    expect((await api(settings, { method: "PUT", token: p.token, json: { url: promUrl } })).status).toBe(403);
    for (const url of ["ftp://prometheus", "http://user:pw@prometheus:9090", "http://prometheus:9090/?x=1", "not a url"]) {
      const refused = await api(settings, { method: "PUT", headers: p.admin.headers, json: { url } });
      expect(refused.status, url).toBe(422);
      expect((refused.body as { error: { code: string } }).error.code).toBe("validation_failed");
    }
    expect((await api(settings, { method: "PUT", headers: p.admin.headers, json: { url: promUrl, bearerToken: "has space" } })).status).toBe(422);
  });

  it("a template whose query names no source, or two queries for one metric name, is refused with 422", async () => {
    const p = await project();
    const put = (body: string) => api(`/api/v1/projects/${p.slug}/templates/bad`, { method: "PUT", headers: { ...p.admin.headers, "content-type": "application/yaml" }, body });
    const item = (extra: string) => `name: bad\nsections:\n  - title: S\n    phase: pre-deploy\n    items:\n      - { key: a, title: A, kind: metric, metric: m, operator: ">", threshold: 1${extra} }\n`;
    const noSource = await put(item(`, query: "sum(x)"`));
    expect(noSource.status).toBe(422);
    expect(JSON.stringify(noSource.body)).toContain("query needs its data source");
    const twice = await put(`${item(`, source: prometheus, query: "sum(x)"`)}      - { key: b, title: B, kind: metric, metric: m, operator: ">", threshold: 1, source: prometheus, query: "sum(y)" }\n`);
    expect(twice.status).toBe(422);
    expect(JSON.stringify(twice.body)).toMatch(/one metric name is one series/i);
  });
});

describe("a watch item with a PromQL query", () => {
  it("trips after a deploy when Prometheus's value crosses the line, and not before", async () => {
    const p = await project();
    await push(`ws_${p.s}`, "a", [`ws_events_${p.s} 30`]);
    await push(`tools_${p.s}`, "a", [`tool_executing_${p.s} 100`, `tool_completed_${p.s} 100`]);
    await prometheusSees(`sum(tool_completed_${p.s}) / sum(tool_executing_${p.s})`, (v) => v[0] === 1);
    await prometheusSees(`sum(ws_events_${p.s})`, (v) => v[0] === 30);
    await gateUntil(p, (g) => g.open);
    expect((await itemOf(p, "tool-pairing")).environments.staging!.status).toBe("watching");

    const deployed = await api(`/api/v1/projects/${p.slug}/releases/${p.version}/deployments`, { token: p.token, json: { environment: "staging" } });
    expect(deployed.status, JSON.stringify(deployed.body)).toBe(201);
    let state = await releaseState(p);
    const pairing = () => state.sections.flatMap((s) => s.items).find((i) => i.key === "tool-pairing")!.environments.staging!;
    expect(pairing()).toMatchObject({ status: "passed", reading: { value: 1, query: `sum(tool_completed_${p.s}) / sum(tool_executing_${p.s})` } });
    expect(state.rollback.staging!.recommended).toBe(false);

    await push(`tools_${p.s}`, "a", [`tool_executing_${p.s} 100`, `tool_completed_${p.s} 90`]);
    await prometheusSees(`sum(tool_completed_${p.s}) / sum(tool_executing_${p.s})`, (v) => v[0] === 0.9);
    for (let i = 0; i < 40 && !state.rollback.staging!.recommended; i++) {
      await new Promise((r) => setTimeout(r, 300));
      state = await releaseState(p);
    }
    expect(pairing()).toMatchObject({ status: "failed", summary: "tool_pairing 0.9 < 0.95" });
    expect(state.rollback.staging).toMatchObject({ recommended: true, reasons: [{ item: "tool-pairing", detail: "tool_pairing 0.9 < 0.95" }] });
    // Production was never deployed to: nothing to watch there.
    expect(state.rollback.production!.recommended).toBe(false);
  }, 90_000);

  it("the schedule reads watch items after a deploy without anyone reading the release", async () => {
    const p = await project();
    await push(`ws_${p.s}`, "a", [`ws_events_${p.s} 30`]);
    await push(`tools_${p.s}`, "a", [`tool_executing_${p.s} 10`, `tool_completed_${p.s} 5`]);
    await prometheusSees(`sum(tool_completed_${p.s}) / sum(tool_executing_${p.s})`, (v) => v[0] === 0.5);
    await prometheusSees(`sum(ws_events_${p.s})`, (v) => v[0] === 30);
    await gateUntil(p, (g) => g.open);
    expect((await api(`/api/v1/projects/${p.slug}/releases/${p.version}/deployments`, { token: p.token, json: { environment: "staging" } })).status).toBe(201);
    const release = await db().release.findFirstOrThrow({ where: { project: { slug: p.slug } } });
    const deployedAt = (await db().deployment.findFirstOrThrow({ where: { releaseId: release.id } })).deployedAt;
    let reading = null;
    for (let i = 0; i < 40 && !reading; i++) {
      await new Promise((r) => setTimeout(r, 250));
      reading = await db().metric.findFirst({ where: { releaseId: release.id, name: "tool_pairing", environment: "staging", reportedAt: { gt: deployedAt } } });
    }
    expect(reading).toMatchObject({ source: "prometheus", value: 0.5, commitSha: p.commit });
  }, 60_000);
});
