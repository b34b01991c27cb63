// The walking skeleton over HTTP: results and a metric from CI, sign-offs from people, gate opens;
// the item done on staging after its deploy then holds production until it is signed there.
import { describe, expect, it } from "vitest";
import { makeProject, makeUser } from "../support/fixtures";
import { api, baseUrl, signIn } from "../support/http";

describe("gate over the API", () => {
  it("staging is closed with every reason until results, metric and the approval are in, then opens; production also waits for the item verified on staging", async () => {
    const p = await makeProject();
    const base = `/api/v1/projects/${p.slug}/releases/${p.version}`;

    const closed = await api(`${base}/gate?environment=staging`, { token: p.token });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ release: p.version, environment: "staging", open: false, overridden: false });
    expect(closed.body.blocking.map((b: { item: string }) => b.item)).toEqual(["smoke-tests", "event-throughput", "release-approval"]);
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

    // The WebSocket check is done on staging once it runs the release: not before the deploy.
    const early = await api(`${base}/items/staging-ws-events/signoffs`, { json: { environment: "staging", comment: "all 5 events seen" }, headers: { cookie: engineerCookie, ...origin } });
    expect(early.status).toBe(409);
    expect(early.body.error.message).toContain(`record the deploy of ${p.commit.slice(0, 7)} to staging first`);

    const approval = await api(`${base}/items/release-approval/signoffs`, { json: { environment: "staging" }, headers: { cookie: managerCookie, ...origin } });
    expect(approval.status).toBe(201);

    const open = await api(`${base}/gate?environment=staging`, { token: p.token });
    expect(open.body).toEqual({ release: p.version, environment: "staging", open: true, overridden: false, blocking: [] });

    // Results, metrics and sign-offs given for staging count for staging only; production also
    // waits for the WebSocket check, which needs the deploy to staging first.
    const production = await api(`${base}/gate?environment=production`, { token: p.token });
    expect(production.body.open).toBe(false);
    expect(production.body.blocking.map((b: { item: string }) => b.item)).toEqual(["smoke-tests", "event-throughput", "staging-ws-events", "release-approval"]);
    expect(production.body.blocking[2]).toEqual({
      item: "staging-ws-events",
      title: "Critical WebSocket events visible on staging",
      reason: "approvals",
      detail: "record the deploy to staging first, then verify on staging",
    });

    const deployed = await api(`${base}/deployments`, { token: p.token, json: { environment: "staging" } });
    expect(deployed.status).toBe(201);
    expect((await api(`${base}/gate?environment=production`, { token: p.token })).body.blocking).toContainEqual(
      expect.objectContaining({ item: "staging-ws-events", reason: "approvals", detail: "needs 1 more sign-off from engineer" }),
    );

    // It is signed once, for staging: a sign-off for production is refused.
    const forProduction = await api(`${base}/items/staging-ws-events/signoffs`, { json: { environment: "production" }, headers: { cookie: engineerCookie, ...origin } });
    expect(forProduction.status).toBe(422);
    expect(forProduction.body.error.message).toContain("sign it off for staging");
    const ws = await api(`${base}/items/staging-ws-events/signoffs`, { json: { environment: "staging", comment: "all 5 events seen" }, headers: { cookie: engineerCookie, ...origin } });
    expect(ws.status).toBe(201);

    // Staging stays open; production no longer waits for the WebSocket check, only for its own items.
    expect((await api(`${base}/gate?environment=staging`, { token: p.token })).body).toEqual({ release: p.version, environment: "staging", open: true, overridden: false, blocking: [] });
    const after = await api(`${base}/gate?environment=production`, { token: p.token });
    expect(after.body.open).toBe(false);
    expect(after.body.blocking.map((b: { item: string }) => b.item)).toEqual(["smoke-tests", "event-throughput", "release-approval"]);
  });
});
