// GitLab as an approver of a protected environment, against a local stand-in for GitLab's
// Deployments API that checks every request against GitLab's documentation: a blocked deployment
// is approved when the gate is open, rejected when something failed, kept waiting while evidence
// is missing and approved by the worker once a sign-off opens the gate; bad tokens, unknown
// projects and malformed bodies are refused as JSON; a delivery is answered once.
import { randomBytes, randomInt } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { deploymentHook } from "../support/gitlab-api";
import { GitlabStandIn } from "../support/gitlab-stand-in";
import { makeProject } from "../support/fixtures";
import { openStagingGate } from "../support/flow";
import { api } from "../support/http";
import { person, type Person } from "../support/templates";
import { eventually } from "../support/webhook-receiver";

type Project = Awaited<ReturnType<typeof makeProject>>;
type Linked = Project & { admin: Person; gitlabProjectId: number; accessToken: string; webhookToken: string };

const gitlab = new GitlabStandIn();
beforeAll(() => gitlab.start());
afterAll(() => gitlab.stop());
afterEach(() => expect(gitlab.problems, "requests GitLab's documentation does not describe").toEqual([]));

const linkPath = (p: Project) => `/api/v1/projects/${p.slug}/integrations/gitlab`;

async function linked(): Promise<Linked> {
  const p = await makeProject();
  const admin = await person(p.slug, "admin");
  const gitlabProjectId = randomInt(1, 2 ** 31 - 1);
  const accessToken = `glpat-${randomBytes(15).toString("hex")}`;
  gitlab.expectToken(gitlabProjectId, accessToken);
  const saved = await api(linkPath(p), { method: "PUT", headers: admin.headers, json: { baseUrl: `${gitlab.url}/`, projectId: gitlabProjectId, accessToken } });
  expect(saved.status, JSON.stringify(saved.body)).toBe(201);
  expect(saved.body.webhookToken).toMatch(/^glwh_[A-Za-z0-9_-]{43}$/);
  return { ...p, admin, gitlabProjectId, accessToken, webhookToken: saved.body.webhookToken };
}

let nextDeployment = randomInt(1, 1_000_000);

function sendHook(p: Linked, options: { environment?: string; status?: "blocked" | "running" | "success"; deploymentId?: number; token?: string; key?: string; sha?: string } = {}) {
  const deploymentId = options.deploymentId ?? nextDeployment++;
  const body = deploymentHook({ gitlabProjectId: p.gitlabProjectId, deploymentId, environment: options.environment ?? "staging", sha: options.sha ?? p.commit, status: options.status });
  return api("/api/v1/webhooks/gitlab", {
    json: body,
    headers: { "x-gitlab-event": "Deployment Hook", "x-gitlab-token": options.token ?? p.webhookToken, "idempotency-key": options.key ?? `key-${deploymentId}-${randomBytes(4).toString("hex")}`, "x-gitlab-event-uuid": `uuid-${deploymentId}` },
  }).then((response) => ({ response, deploymentId }));
}

describe("GitLab approvals", () => {
  it("approve: a blocked deployment whose gate is open is approved at once, with PRIVATE-TOKEN and a comment", async () => {
    const p = await linked();
    await openStagingGate(p);
    const { response, deploymentId } = await sendHook(p);
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    expect(response.body).toEqual({ delivery: expect.any(String), deployment: String(deploymentId), environment: "staging", release: p.version, answer: "approved" });
    const calls = gitlab.approvalsFor(p.gitlabProjectId);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ deploymentId, status: "approved" });
    expect(calls[0]!.headers["private-token"]).toBe(p.accessToken);
    expect(calls[0]!.comment).toContain("staging gate of v1.0.0 is open");
    const audit = await db().auditEvent.findMany({ where: { projectId: (await db().project.findUniqueOrThrow({ where: { slug: p.slug } })).id, action: { startsWith: "gitlab." } } });
    expect(audit.map((a) => a.action).sort()).toEqual(["gitlab.deployment_approved", "gitlab.deployment_waiting"]);
  });

  it("reject: a failed check is a rejection naming the item and the failure; production is refused for staging's failure too", async () => {
    const p = await linked();
    const results = await api(`/api/v1/projects/${p.slug}/releases/${p.version}/results`, {
      token: p.token,
      json: { environment: "staging", run: { id: "r1", startedAt: new Date().toISOString() }, results: [{ key: "tests/smoke/test_login.py::test_ok", status: "failed", message: "AssertionError: 500 from /login" }] },
    });
    expect(results.status).toBe(201);
    const staging = await sendHook(p);
    expect(staging.response.body.answer).toBe("rejected");
    const production = await sendHook(p, { environment: "production" });
    expect(production.response.body.answer).toBe("rejected");
    const calls = gitlab.approvalsFor(p.gitlabProjectId);
    expect(calls.map((c) => [c.deploymentId, c.status])).toEqual([
      [staging.deploymentId, "rejected"],
      [production.deploymentId, "rejected"],
    ]);
    expect(calls[0]!.comment).toContain("Smoke tests pass");
    expect(calls[0]!.comment).toMatch(/fail/i);
  });

  it("wait, then approve: missing evidence keeps the deployment waiting; a sign-off that opens the gate gets it approved by the worker", async () => {
    const p = await linked();
    const { response, deploymentId } = await sendHook(p);
    expect(response.status).toBe(201);
    expect(response.body.answer).toBe("waiting");
    // Nothing is sent while the evidence is only missing, however many rounds the worker makes.
    await new Promise((r) => setTimeout(r, 1000));
    expect(gitlab.approvalsFor(p.gitlabProjectId)).toEqual([]);
    const waiting = await api(linkPath(p), { headers: p.admin.headers });
    expect(waiting.body.approvals).toEqual([expect.objectContaining({ deploymentId: String(deploymentId), status: "waiting", release: p.version })]);

    await openStagingGate(p);
    const [call] = await eventually(() => gitlab.approvalsFor(p.gitlabProjectId).length > 0 && gitlab.approvalsFor(p.gitlabProjectId), "the worker's approval");
    expect(call).toMatchObject({ deploymentId, status: "approved" });
    await eventually(async () => (await api(linkPath(p), { headers: p.admin.headers })).body.approvals[0]?.status === "approved", "the approval recorded");
    await new Promise((r) => setTimeout(r, 600));
    expect(gitlab.approvalsFor(p.gitlabProjectId)).toHaveLength(1);
  });

  it("a GitLab that fails is asked again; a deployment GitLab ran meanwhile is no longer answered", async () => {
    const p = await linked();
    await openStagingGate(p);
    gitlab.answerWith(502);
    const { response } = await sendHook(p);
    expect(response.body.answer).toBe("waiting");
    await eventually(() => gitlab.approvalsFor(p.gitlabProjectId).length === 2, "the retry");
    expect(gitlab.approvalsFor(p.gitlabProjectId).map((c) => c.status)).toEqual(["approved", "approved"]);

    const later = await linked();
    const waiting = await sendHook(later);
    expect(waiting.response.body.answer).toBe("waiting");
    const ran = await sendHook(later, { deploymentId: waiting.deploymentId, status: "running" });
    expect(ran.response.status).toBe(202);
    await openStagingGate(later);
    await new Promise((r) => setTimeout(r, 1000));
    expect(gitlab.approvalsFor(later.gitlabProjectId)).toEqual([]);
    expect((await api(linkPath(later), { headers: later.admin.headers })).body.approvals[0].status).toBe("ended");
  });

  it("bad token 401, unknown project 404, malformed body 400, all JSON; nothing is sent to GitLab", async () => {
    const p = await linked();
    await openStagingGate(p);
    const wrong = await sendHook(p, { token: `glwh_${randomBytes(32).toString("base64url")}` });
    expect(wrong.response.status).toBe(401);
    expect(wrong.response.body.error.code).toBe("unauthorized");
    const missing = await api("/api/v1/webhooks/gitlab", { json: deploymentHook({ gitlabProjectId: p.gitlabProjectId, deploymentId: 1, environment: "staging", sha: p.commit }), headers: { "x-gitlab-event": "Deployment Hook" } });
    expect(missing.status).toBe(401);
    expect(missing.body.error.message).toContain("X-Gitlab-Token");

    const unknown = await api("/api/v1/webhooks/gitlab", {
      json: deploymentHook({ gitlabProjectId: 2 ** 31 - 2, deploymentId: 1, environment: "staging", sha: p.commit }),
      headers: { "x-gitlab-event": "Deployment Hook", "x-gitlab-token": p.webhookToken },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("not_found");

    const headers = { "x-gitlab-event": "Deployment Hook", "x-gitlab-token": p.webhookToken, "content-type": "application/json" };
    const notJson = await api("/api/v1/webhooks/gitlab", { body: "{not json", headers });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.code).toBe("bad_request");
    const noDeployment = await api("/api/v1/webhooks/gitlab", { json: { object_kind: "deployment", status: "blocked", project: { id: p.gitlabProjectId } }, headers });
    expect(noDeployment.status).toBe(400);
    expect(noDeployment.body.error.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(["deployment_id", "environment"]));
    expect(gitlab.approvalsFor(p.gitlabProjectId)).toEqual([]);
  });

  it("duplicate delivery: the same delivery, or another delivery of the same deployment, is acknowledged and answered once", async () => {
    const p = await linked();
    await openStagingGate(p);
    const first = await sendHook(p, { key: "delivery-1" });
    expect(first.response.status).toBe(201);
    const again = await sendHook(p, { key: "delivery-1", deploymentId: first.deploymentId });
    expect(again.response.status).toBe(200);
    expect(again.response.body).toEqual({ duplicate: true, delivery: "delivery-1" });
    const other = await sendHook(p, { key: "delivery-2", deploymentId: first.deploymentId });
    expect(other.response.status).toBe(200);
    expect(other.response.body.duplicate).toBe(true);
    expect(gitlab.approvalsFor(p.gitlabProjectId)).toHaveLength(1);
  });

  it("the link is for project admins; the access token is never returned nor audited; a rotated webhook token replaces the old one", async () => {
    const p = await linked();
    const manager = await person(p.slug, "release-manager");
    expect((await api(linkPath(p), { headers: manager.headers })).status).toBe(403);
    expect((await api(linkPath(p), { method: "PUT", headers: manager.headers, json: { baseUrl: gitlab.url, projectId: 1, accessToken: "glpat-xxxxxxxxxxxx" } })).status).toBe(403);
    expect((await api(linkPath(p), { token: p.token })).status).toBe(403);
    const bad = await api(linkPath(p), { method: "PUT", headers: p.admin.headers, json: { baseUrl: "ftp://gitlab.example.com", projectId: 0 } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(["baseUrl", "projectId"]);

    const read = await api(linkPath(p), { headers: p.admin.headers });
    expect(read.body).toMatchObject({ linked: true, baseUrl: gitlab.url, projectId: p.gitlabProjectId, accessTokenSet: true, webhookPath: "/api/v1/webhooks/gitlab" });
    expect(JSON.stringify(read.body)).not.toContain(p.accessToken);
    // Changing the address keeps the stored token, and the answer still does not show it.
    const changed = await api(linkPath(p), { method: "PUT", headers: p.admin.headers, json: { baseUrl: gitlab.url, projectId: p.gitlabProjectId } });
    expect(changed.status).toBe(200);
    expect(changed.body.webhookToken).toBeUndefined();
    expect(JSON.stringify(changed.body)).not.toContain(p.accessToken);
    const project = await db().project.findUniqueOrThrow({ where: { slug: p.slug } });
    const audit = JSON.stringify(await db().auditEvent.findMany({ where: { projectId: project.id }, select: { action: true, before: true, after: true } }));
    expect(audit).toContain("project.gitlab_linked");
    expect(audit).not.toContain(p.accessToken);
    expect(audit).not.toContain(p.webhookToken);

    const rotated = await api(`${linkPath(p)}/webhook-token`, { method: "POST", headers: p.admin.headers });
    expect(rotated.status).toBe(201);
    expect((await sendHook(p)).response.status).toBe(401);
    expect((await sendHook({ ...p, webhookToken: rotated.body.webhookToken })).response.status).toBe(201);

    expect((await api(linkPath(p), { method: "DELETE", headers: p.admin.headers })).body).toEqual({ project: p.slug, linked: false });
    expect((await sendHook({ ...p, webhookToken: rotated.body.webhookToken })).response.status).toBe(404);
  });
});
