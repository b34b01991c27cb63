// Deploys are refused while the gate is closed; after a deploy, alerts and failing checks trip the
// rollback criteria and the release says "rollback recommended", with the reasons.
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { makeProject } from "../support/fixtures";
import { openStagingGate as openStaging } from "../support/flow";
import { api } from "../support/http";

type Project = Awaited<ReturnType<typeof makeProject>>;

const base = (p: Project) => `/api/v1/projects/${p.slug}/releases/${p.version}`;

function alertPayload(status: "firing" | "resolved", environment = "staging") {
  return {
    version: "4",
    status,
    receiver: "shipcheck",
    alerts: [{ status, labels: { alertname: "MissingWebSocketEvents", environment, severity: "page" }, annotations: { summary: "agent_completed missing" }, startsAt: new Date().toISOString(), endsAt: "0001-01-01T00:00:00Z", fingerprint: "abc123" }],
  };
}

describe("deployments", () => {
  it("are refused with 409 and every reason while the gate is closed, and recorded once it is open", async () => {
    const p = await makeProject();
    const refused = await api(`${base(p)}/deployments`, { token: p.token, json: { environment: "staging" } });
    expect(refused.status).toBe(409);
    // The item done on staging after its deploy does not hold the deploy to staging.
    expect(refused.body.error.details.map((d: { path: string }) => d.path)).toEqual(["smoke-tests", "event-throughput", "release-approval"]);
    expect(await db().deployment.count({ where: { projectId: (await db().project.findUniqueOrThrow({ where: { slug: p.slug } })).id } })).toBe(0);

    await openStaging(p);
    const deployed = await api(`${base(p)}/deployments`, { token: p.token, json: { environment: "staging" } });
    expect(deployed.status).toBe(201);
    expect(deployed.body).toMatchObject({ environment: "staging", commit: p.commit, overridden: false });
    const release = await api(base(p), { token: p.token });
    expect(release.body.release.status).toBe("deployed");
    expect(release.body.rollback.staging).toMatchObject({ recommended: false });

    // Production still needs its own items, and the WebSocket check done on staging now that it is deployed there.
    const production = await api(`${base(p)}/deployments`, { token: p.token, json: { environment: "production" } });
    expect(production.status).toBe(409);
    expect(production.body.error.details.map((d: { path: string }) => d.path)).toEqual(["smoke-tests", "event-throughput", "staging-ws-events", "release-approval"]);
  });

  it("need releases:write: a results-only token gets 403; an unknown environment 422", async () => {
    const p = await makeProject();
    const { makeToken } = await import("../support/fixtures");
    const resultsOnly = await makeToken(p.slug, ["results:write"]);
    expect((await api(`${base(p)}/deployments`, { token: resultsOnly, json: { environment: "staging" } })).status).toBe(403);
    expect((await api(`${base(p)}/deployments`, { token: p.token, json: { environment: "qa" } })).status).toBe(422);
  });
});

describe("Alertmanager and rollback criteria", () => {
  it("a firing alert after the deploy recommends a rollback; resolving it clears the advice", async () => {
    const p = await makeProject();
    await openStaging(p);
    expect((await api(`${base(p)}/deployments`, { token: p.token, json: { environment: "staging" } })).status).toBe(201);

    const firing = await api("/api/v1/webhooks/alertmanager", { token: p.token, json: alertPayload("firing") });
    expect(firing.status).toBe(201);
    expect(firing.body).toMatchObject({ recorded: 1, alerts: [{ name: "MissingWebSocketEvents", status: "firing", environment: "staging", release: p.version }] });
    let release = await api(base(p), { token: p.token });
    expect(release.body.rollback.staging.recommended).toBe(true);
    expect(release.body.rollback.staging.reasons).toEqual([{ item: "rollback-missing-events", title: "Missing event type alert fires", detail: "alert MissingWebSocketEvents is firing" }]);
    expect(release.body.rollback.production.recommended).toBe(false);

    expect((await api("/api/v1/webhooks/alertmanager", { token: p.token, json: alertPayload("resolved") })).status).toBe(201);
    release = await api(base(p), { token: p.token });
    expect(release.body.rollback.staging.recommended).toBe(false);
  });

  it("a smoke test failing after the deploy recommends a rollback", async () => {
    const p = await makeProject();
    await openStaging(p);
    await api(`${base(p)}/deployments`, { token: p.token, json: { environment: "staging" } });
    await api(`${base(p)}/results`, { token: p.token, json: { environment: "staging", run: { startedAt: new Date(Date.now() + 1000).toISOString() }, results: [{ key: "tests/smoke/test_a.py::test_ok", status: "failed", message: "503 from /health" }] } });
    const release = await api(base(p), { token: p.token });
    expect(release.body.rollback.staging.reasons.map((r: { item: string }) => r.item)).toEqual(["rollback-smoke-failure"]);
  });

  it("refuses alerts without a token, without an environment, or malformed, storing nothing", async () => {
    const p = await makeProject();
    const project = await db().project.findUniqueOrThrow({ where: { slug: p.slug } });
    expect((await api("/api/v1/webhooks/alertmanager", { json: alertPayload("firing") })).status).toBe(401);
    const noEnv = alertPayload("firing");
    delete (noEnv.alerts[0]!.labels as Record<string, string>).environment;
    expect((await api("/api/v1/webhooks/alertmanager", { token: p.token, json: noEnv })).status).toBe(422);
    expect((await api("/api/v1/webhooks/alertmanager?environment=staging", { token: p.token, json: noEnv })).status).toBe(201);
    expect((await api("/api/v1/webhooks/alertmanager", { token: p.token, json: alertPayload("firing", "qa") })).status).toBe(422);
    expect((await api("/api/v1/webhooks/alertmanager", { token: p.token, json: { status: "firing", alerts: [] } })).status).toBe(422);
    expect((await api("/api/v1/webhooks/alertmanager", { token: p.token, body: "{", headers: { "content-type": "application/json" } })).status).toBe(400);
    expect(await db().alert.count({ where: { projectId: project.id } })).toBe(1);
  });
});
