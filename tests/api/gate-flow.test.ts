// The walking skeleton over HTTP: results and a metric from CI, sign-offs from people, gate opens.
import { describe, expect, it } from "vitest";
import { makeProject, makeUser } from "../support/fixtures";
import { api, baseUrl, signIn } from "../support/http";

describe("gate over the API", () => {
  it("is closed with every reason until results, metric and both sign-offs are in, then opens", async () => {
    const p = await makeProject();
    const base = `/api/v1/projects/${p.slug}/releases/${p.version}`;

    const closed = await api(`${base}/gate?environment=staging`, { token: p.token });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ release: p.version, environment: "staging", open: false, overridden: false });
    expect(closed.body.blocking.map((b: { item: string }) => b.item)).toEqual(["smoke-tests", "event-throughput", "staging-ws-events", "release-approval"]);
    expect(closed.body.blocking[0]).toEqual({ item: "smoke-tests", title: "Smoke tests pass", reason: "pending", detail: "no result yet" });

    const results = await api(`${base}/results`, {
      token: p.token,
      json: {
        environment: "staging",
        commit: p.commit,
        run: { id: "42", url: "https://ci.example/run/42", startedAt: new Date().toISOString() },
        results: [
          { key: "tests/smoke/test_a.py::test_ok", status: "passed", durationMs: 12, message: null },
          { key: "tests/smoke/test_b.py::test_ok", status: "passed", durationMs: 8 },
        ],
      },
    });
    expect(results.status).toBe(201);
    expect(results.body).toMatchObject({ accepted: 2, countsForRelease: true, unmatchedCount: 0 });

    const metric = await api(`${base}/metrics`, { token: p.token, json: { environment: "staging", metrics: [{ name: "events_per_sec", value: 812, unit: "events/s" }] } });
    expect(metric.status).toBe(201);

    const engineer = await makeUser(p.slug, "engineer");
    const manager = await makeUser(p.slug, "release-manager");
    const origin = { origin: baseUrl() };
    const engineerCookie = await signIn(engineer.email, engineer.password);
    const managerCookie = await signIn(manager.email, manager.password);

    // An engineer cannot give the release manager's approval.
    const refused = await api(`${base}/items/release-approval/signoffs`, { json: { environment: "staging" }, headers: { cookie: engineerCookie, ...origin } });
    expect(refused.status).toBe(403);

    const ws = await api(`${base}/items/staging-ws-events/signoffs`, { json: { environment: "staging", comment: "all 5 events seen" }, headers: { cookie: engineerCookie, ...origin } });
    expect(ws.status).toBe(201);
    const approval = await api(`${base}/items/release-approval/signoffs`, { json: { environment: "staging" }, headers: { cookie: managerCookie, ...origin } });
    expect(approval.status).toBe(201);

    const open = await api(`${base}/gate?environment=staging`, { token: p.token });
    expect(open.body).toEqual({ release: p.version, environment: "staging", open: true, overridden: false, blocking: [] });

    // Results, metrics and sign-offs given for staging count for staging only.
    const production = await api(`${base}/gate?environment=production`, { token: p.token });
    expect(production.body.open).toBe(false);
    expect(production.body.blocking.map((b: { item: string }) => b.item)).toEqual(["smoke-tests", "event-throughput", "staging-ws-events", "release-approval"]);
  });
});
