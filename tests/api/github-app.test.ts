// Shipcheck as a GitHub App, against a local stand-in for api.github.com that checks every request
// against GitHub's OpenAPI description: installation tokens (a JWT signed with the App's key),
// commit statuses `shipcheck/<environment>` when a gate changes, deployment protection rules
// approved, rejected, or kept waiting until a sign-off opens the gate; workflow_job keys;
// deployment_status records a deploy; the link over the API. Event payloads are GitHub's examples
// (@octokit/webhooks-examples) or, where it has none, built to @octokit/openapi-webhooks' schema.
import examples from "@octokit/webhooks-examples";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { createHmac, generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { STATUS_DESCRIPTION_MAX } from "@/lib/github/gate-answer";
import type { ServerContext } from "@/lib/server/context";
import { createRelease } from "@/lib/server/create-release";
import { setGithubLink } from "@/lib/server/set-github-link";
import { expectApiError } from "../support/errors";
import { makeProject, makeToken, randomSha, uniqueSuffix } from "../support/fixtures";
import { GithubApiStandIn, type GithubRequest } from "../support/github-api";
import { api } from "../support/http";
import { person } from "../support/templates";

const system: ServerContext = { principal: { kind: "system", label: "test-fixture" } };

const TEMPLATE = `
name: github-app
sections:
  - title: CI
    phase: pre-deploy
    items:
      - key: build
        title: Build job passes
        kind: check
        patterns: ["github:CI/build"]
      - key: approval
        title: Release manager approval
        kind: manual
        role: release-manager
`;

type Payload = Record<string, unknown>;

const github = new GithubApiStandIn();
const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs1", format: "pem" } });

beforeAll(async () => {
  await github.start();
});

afterAll(async () => {
  await github.stop();
});

// Every request Shipcheck sent is an operation of GitHub's REST API, with valid path parameters and body.
afterAll(() => {
  const invalid = github.requests.filter((r) => r.problems.length > 0).map((r) => `${r.method} ${r.path}: ${r.problems.join("; ")}`);
  expect(invalid).toEqual([]);
});

let appIds = 0;

/** A project linked to a repository, with its own App (known to the stand-in) and a release on a fresh commit. */
async function appProject() {
  const p = await makeProject({ template: TEMPLATE });
  const repository = `octo-org/repo-${uniqueSuffix()}`;
  const secret = randomBytes(24).toString("hex");
  const appId = String(900_000 + process.pid * 10 + ++appIds);
  github.addApp(appId, publicKey);
  await setGithubLink(system, p.slug, { repository, secret, appId, privateKey });
  const sha = randomSha();
  await createRelease(system, p.slug, { version: "v2.0.0", commit: sha, template: p.template });
  const installation = 40_000 + Math.floor(Math.random() * 10_000);
  return { ...p, repository, secret, appId, sha, installation, release: "v2.0.0" };
}
type AppProject = Awaited<ReturnType<typeof appProject>>;

const sign = (secret: string, body: string) => `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

function deliver(p: { secret: string }, event: string, payload: Payload, options: { delivery?: string; secret?: string } = {}) {
  const body = JSON.stringify(payload);
  return api("/api/v1/webhooks/github", {
    method: "POST",
    body,
    headers: {
      "content-type": "application/json",
      "x-github-event": event,
      "x-github-delivery": options.delivery ?? randomUUID(),
      "x-hub-signature-256": sign(options.secret ?? p.secret, body),
    },
  });
}

function example(event: string, test: (p: Payload) => boolean): Payload {
  const found = examples.find((d) => d.name === event)?.examples.map((e) => structuredClone(e) as unknown as Payload).find(test);
  if (!found) throw new Error(`no ${event} example matches`);
  return found;
}

const repositoryOf = (p: AppProject) => ({ ...(example("deployment_status", () => true).repository as Payload), full_name: p.repository, name: p.repository.split("/")[1] });

/** GitHub's completed workflow_job example, as job `job` of workflow `workflow` on the release's commit. */
function workflowJob(p: AppProject, options: { workflow?: string; job?: string; conclusion?: "success" | "failure"; id?: number } = {}): Payload {
  const payload = example("workflow_job", (x) => x.action === "completed" && (x.workflow_job as Payload).conclusion === (options.conclusion ?? "success"));
  Object.assign(payload.workflow_job as Payload, {
    id: options.id ?? Math.floor(Math.random() * 1e9),
    head_sha: p.sha,
    workflow_name: options.workflow ?? "CI",
    name: options.job ?? "build",
  });
  return { ...payload, repository: repositoryOf(p), installation: { id: p.installation, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==" } };
}

// GitHub's webhook description (OpenAPI 3.1: JSON Schema 2020-12), to hold the hand-built payload to.
const webhooks = createRequire(import.meta.url)("@octokit/openapi-webhooks/generated/api.github.com.json") as { components: Payload };
const webhookAjv = new Ajv2020({ strict: false, allErrors: true });
addFormats(webhookAjv);
webhookAjv.addSchema({ $id: "https://github.test/webhooks.json", components: webhooks.components });
const validProtectionRule = webhookAjv.compile({ $ref: "https://github.test/webhooks.json#/components/schemas/webhook-deployment-protection-rule-requested" });

/** A deployment_protection_rule `requested` event for the commit and environment, with the stand-in's callback address. */
function protectionRule(p: AppProject, environment: string, options: { sha?: string; callbackUrl?: string; installation?: boolean } = {}): Payload {
  const status = example("deployment_status", (x) => Boolean(x.installation));
  const runId = Math.floor(Math.random() * 1e9);
  const payload: Payload = {
    action: "requested",
    environment,
    event: "push",
    deployment_callback_url: options.callbackUrl ?? `${github.url}/repos/${p.repository}/actions/runs/${runId}/deployment_protection_rule`,
    deployment: { ...(status.deployment as Payload), sha: options.sha ?? p.sha, environment },
    pull_requests: [],
    repository: repositoryOf(p),
    sender: status.sender,
  };
  if (options.installation !== false) payload.installation = { id: p.installation, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==" };
  expect(validProtectionRule(payload), webhookAjv.errorsText(validProtectionRule.errors)).toBe(true);
  return payload;
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const reviewsFor = (p: AppProject) => github.calls("actions/review-custom-gates-for-run").filter((r) => r.path.startsWith(`/repos/${p.repository}/`));
const statusesFor = (p: AppProject, environment?: string) =>
  github
    .calls("repos/create-commit-status")
    .filter((r) => r.path === `/repos/${p.repository}/statuses/${p.sha}` && (!environment || (r.body as Payload).context === `shipcheck/${environment}`));
const bodyOf = (r: GithubRequest) => r.body as { state: string; description: string; target_url: string; context: string; environment_name: string; comment: string };

async function signApproval(p: AppProject, environment: string) {
  const manager = await person(p.slug, "release-manager");
  const response = await api(`/api/v1/projects/${p.slug}/releases/${p.release}/items/approval/signoffs`, { json: { environment }, headers: manager.headers });
  expect(response.status).toBe(201);
}

describe("installation tokens", () => {
  it("are asked for with a JWT signed by the App's private key, and kept for the next calls", async () => {
    const p = await appProject();
    expect((await deliver(p, "workflow_job", workflowJob(p))).status).toBe(201);
    await until("commit statuses for both environments", () => statusesFor(p).length >= 2);
    const tokenRequests = github.calls("apps/create-installation-access-token").filter((r) => r.path === `/app/installations/${p.installation}/access_tokens`);
    // The stand-in verified the RS256 JWT with the App's public key: iss is the App, valid under 10 minutes.
    expect(tokenRequests.length).toBe(1);
    expect(tokenRequests[0]!.status).toBe(201);
    expect(github.jwts.some((c) => String(c.iss) === p.appId)).toBe(true);
    // Both statuses used the installation's token, never the JWT.
    for (const status of statusesFor(p)) {
      const token = /^(?:bearer|token) (.+)$/i.exec(status.headers.authorization ?? "")![1]!;
      expect(github.tokens.get(token)).toBe(String(p.installation));
    }
  });

  it("a JWT the App did not sign gets no token, and the delivery is retried and logged without the key", async () => {
    const p = await appProject();
    // The stand-in knows this App by another key now.
    github.addApp(p.appId, generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs8", format: "pem" } }).publicKey);
    expect((await deliver(p, "workflow_job", workflowJob(p))).status).toBe(201);
    const project = await db().project.findUniqueOrThrow({ where: { slug: p.slug } });
    const attempts = await until("a failed attempt", async () => {
      const rows = await db().deliveryAttempt.findMany({ where: { delivery: { projectId: project.id, channel: "github" } } });
      return rows.length > 0 ? rows : undefined;
    });
    expect(attempts[0]!.statusCode).toBe(401);
    expect(attempts[0]!.error).toMatch(/installation token/);
    for (const a of attempts) expect(`${a.error} ${a.response}`).not.toContain("PRIVATE KEY");
    github.addApp(p.appId, publicKey);
    // The next try, with the right key, goes through.
    await until("commit statuses after the retry", () => statusesFor(p).length >= 2);
  });
});

describe("commit statuses shipcheck/<environment>", () => {
  it("are set when the gate is first evaluated and whenever it changes: pending with the reasons, then success after the sign-off", async () => {
    const p = await appProject();
    expect((await deliver(p, "workflow_job", workflowJob(p))).status).toBe(201);
    // Once the build passed, only the approval is missing (an earlier round may have seen no result yet).
    const first = await until("the staging status", () => statusesFor(p, "staging").find((r) => bodyOf(r).description.startsWith("Blocked (1)")));
    expect(bodyOf(first)).toMatchObject({ state: "pending", context: "shipcheck/staging" });
    expect(bodyOf(first).description).toBe("Blocked (1): Release manager approval: needs 1 more sign-off from release-manager");
    expect(bodyOf(first).description.length).toBeLessThanOrEqual(STATUS_DESCRIPTION_MAX);
    expect(bodyOf(first).target_url).toMatch(new RegExp(`/projects/${p.slug}/releases/v2\\.0\\.0\\?env=staging$`));
    await until("the production status", () => statusesFor(p, "production")[0]);

    await signApproval(p, "staging");
    const opened = await until("staging success", () => statusesFor(p, "staging").find((r) => bodyOf(r).state === "success"));
    expect(bodyOf(opened).description).toBe("Gate open: every item is satisfied");
    // Production still waits for its own approval: pending, never success.
    const production = await until("production without the staging blocker", () => statusesFor(p, "production").find((r) => !bodyOf(r).description.includes("staging")));
    expect(bodyOf(production)).toMatchObject({ state: "pending", description: "Blocked (1): Release manager approval: needs 1 more sign-off from release-manager" });
    // A status is sent only when what it says changed: never the same twice in a row.
    await new Promise((r) => setTimeout(r, 800));
    for (const environment of ["staging", "production"]) {
      const said = statusesFor(p, environment).map((r) => `${bodyOf(r).state}|${bodyOf(r).description}`);
      expect(said.filter((text, i) => i > 0 && said[i - 1] === text)).toEqual([]);
    }
  });

  it("a failed build is `failure`; a GitHub error is retried through the outbox and logged", async () => {
    const p = await appProject();
    github.failNext(`/repos/${p.repository}/statuses/`, 502);
    expect((await deliver(p, "workflow_job", workflowJob(p, { conclusion: "failure" }))).status).toBe(201);
    const failure = await until("a failure status accepted", () => statusesFor(p, "staging").find((r) => r.status === 201 && bodyOf(r).state === "failure"));
    expect(bodyOf(failure).description).toMatch(/Build job passes/);
    const project = await db().project.findUniqueOrThrow({ where: { slug: p.slug } });
    const deliveries = await db().notificationDelivery.findMany({ where: { projectId: project.id, channel: "github" }, include: { attempts: true } });
    const codes = deliveries.flatMap((d) => d.attempts.map((a) => a.statusCode));
    expect(codes).toContain(502);
    expect(codes).toContain(201);
  });
});

describe("deployment protection rules", () => {
  it("approves at once when the environment's gate is open", async () => {
    const p = await appProject();
    await deliver(p, "workflow_job", workflowJob(p));
    await signApproval(p, "staging");
    const response = await deliver(p, "deployment_protection_rule", protectionRule(p, "staging"));
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ environment: "staging", release: "v2.0.0", answer: "waiting" });
    const review = await until("the review", () => reviewsFor(p)[0]);
    expect(bodyOf(review)).toMatchObject({ environment_name: "staging", state: "approved" });
    expect(bodyOf(review).comment).toMatch(/gate for staging is open/);
    expect(review.status).toBe(204);
  });

  it("rejects when something failed, naming it in Markdown within the limit", async () => {
    const p = await appProject();
    await deliver(p, "workflow_job", workflowJob(p, { conclusion: "failure" }));
    await deliver(p, "deployment_protection_rule", protectionRule(p, "production"));
    const review = await until("the review", () => reviewsFor(p)[0]);
    expect(bodyOf(review)).toMatchObject({ environment_name: "production", state: "rejected" });
    expect(bodyOf(review).comment).toMatch(/\*\*Build job passes\*\* \(failed\)/);
    expect(bodyOf(review).comment.length).toBeLessThanOrEqual(1000);
  });

  it("waits while only a sign-off is missing, and approves once it is given; a redelivery is not answered twice", async () => {
    const p = await appProject();
    await deliver(p, "workflow_job", workflowJob(p));
    const delivery = randomUUID();
    const payload = protectionRule(p, "staging");
    expect((await deliver(p, "deployment_protection_rule", payload, { delivery })).body).toMatchObject({ answer: "waiting" });
    expect((await deliver(p, "deployment_protection_rule", payload, { delivery })).body).toEqual({ duplicate: true, delivery });
    await new Promise((r) => setTimeout(r, 1500));
    expect(reviewsFor(p)).toEqual([]);
    const waiting = await db().githubProtectionRequest.findUniqueOrThrow({ where: { deliveryId: delivery } });
    expect(waiting.status).toBe("waiting");

    await signApproval(p, "staging");
    const review = await until("the review after the sign-off", () => reviewsFor(p)[0]);
    expect(bodyOf(review)).toMatchObject({ environment_name: "staging", state: "approved" });
    await new Promise((r) => setTimeout(r, 800));
    expect(reviewsFor(p).length).toBe(1);
    expect((await db().githubProtectionRequest.findUniqueOrThrow({ where: { deliveryId: delivery } })).status).toBe("approved");
  });

  it("rejects a commit no release is built from, and an environment the project lacks, saying which", async () => {
    const p = await appProject();
    const unknownSha = randomSha();
    const none = await deliver(p, "deployment_protection_rule", protectionRule(p, "staging", { sha: unknownSha }));
    expect(none.status).toBe(202);
    expect(none.body).toMatchObject({ answer: "rejected", release: null });
    const first = await until("the review", () => reviewsFor(p)[0]);
    expect(bodyOf(first).state).toBe("rejected");
    expect(bodyOf(first).comment).toContain(unknownSha);

    const qa = await deliver(p, "deployment_protection_rule", protectionRule(p, "qa"));
    expect(qa.body).toMatchObject({ answer: "rejected", release: "v2.0.0" });
    const second = await until("the second review", () => reviewsFor(p)[1]);
    expect(bodyOf(second)).toMatchObject({ environment_name: "qa", state: "rejected" });
    expect(bodyOf(second).comment).toMatch(/qa/);
  });

  it("refuses a bad signature (401), an unknown repository (404), a callback off the GitHub API or no installation (422), storing nothing", async () => {
    const p = await appProject();
    const payload = protectionRule(p, "staging");
    expectApiError(await deliver(p, "deployment_protection_rule", payload, { secret: "not-the-secret-of-this-webhook" }), 401, "unauthorized");
    const elsewhere = { ...payload, repository: { ...(payload.repository as Payload), full_name: `octo-org/unlinked-${uniqueSuffix()}` } };
    expectApiError(await deliver(p, "deployment_protection_rule", elsewhere), 404, "not_found");
    const offApi = protectionRule(p, "staging", { callbackUrl: `http://127.0.0.1:1/repos/${p.repository}/actions/runs/1/deployment_protection_rule` });
    expect(expectApiError(await deliver(p, "deployment_protection_rule", offApi), 422, "validation_failed").message).toMatch(/deployment_callback_url/);
    expectApiError(await deliver(p, "deployment_protection_rule", protectionRule(p, "staging", { installation: false })), 422, "validation_failed");
    const project = await db().project.findUniqueOrThrow({ where: { slug: p.slug } });
    expect(await db().githubProtectionRequest.count({ where: { projectId: project.id } })).toBe(0);
  });
});

describe("workflow_job and deployment_status", () => {
  it("keys each job by workflow and job name, so two workflows' build jobs are two results; workflow_run keys stay", async () => {
    const p = await appProject();
    const ci = await deliver(p, "workflow_job", workflowJob(p, { workflow: "CI", job: "build" }));
    const nightly = await deliver(p, "workflow_job", workflowJob(p, { workflow: "Nightly", job: "build" }));
    expect(ci.body).toMatchObject({ results: ["github:CI/build"], releases: [{ version: "v2.0.0", matched: [{ item: "build", results: 1 }], unmatched: [] }] });
    expect(nightly.body).toMatchObject({ results: ["github:Nightly/build"], releases: [{ unmatched: ["github:Nightly/build"] }] });
    const run = example("workflow_run", (x) => x.action === "completed" && (x.workflow_run as Payload).conclusion === "success");
    (run.workflow_run as Payload).head_sha = p.sha;
    run.repository = repositoryOf(p);
    expect((await deliver(p, "workflow_run", run)).body).toMatchObject({ results: ["github:test"] });
  });

  it("a successful deployment_status records the deploy once per delivery and per status; a closed gate records none", async () => {
    const p = await appProject();
    const status = example("deployment_status", (x) => x.action === "created" && (x.deployment_status as Payload).state === "success" && Boolean(x.installation));
    Object.assign(status.deployment as Payload, { sha: p.sha, environment: "staging" });
    Object.assign(status.deployment_status as Payload, { environment: "staging", id: Math.floor(Math.random() * 1e9) });
    status.repository = repositoryOf(p);

    const closed = await deliver(p, "deployment_status", status);
    expect(closed.status).toBe(202);
    expect((closed.body as { ignored: string }).ignored).toMatch(/gate of v2\.0\.0 is closed/);

    await deliver(p, "workflow_job", workflowJob(p));
    await signApproval(p, "staging");
    const delivery = randomUUID();
    const recorded = await deliver(p, "deployment_status", status, { delivery });
    expect(recorded.status).toBe(201);
    expect(recorded.body).toMatchObject({ release: "v2.0.0", environment: "staging" });
    expect((await deliver(p, "deployment_status", status, { delivery })).body).toEqual({ duplicate: true, delivery });
    expect((await deliver(p, "deployment_status", status)).status).toBe(200);
    const project = await db().project.findUniqueOrThrow({ where: { slug: p.slug } });
    const deployments = await db().deployment.findMany({ where: { projectId: project.id } });
    expect(deployments.map((d) => [d.environment, d.deployedBy])).toEqual([["staging", `github:${p.repository}`]]);
  });
});

describe("PUT/DELETE /api/v1/projects/{project}/github", () => {
  it("links with the secret and App write-only, for project admins only; DELETE unlinks", async () => {
    const p = await makeProject({ template: TEMPLATE });
    const admin = await person(p.slug, "admin");
    const engineer = await person(p.slug, "engineer");
    const repository = `Octo-Org/Repo-${uniqueSuffix()}`;
    const secret = randomBytes(24).toString("hex");
    const url = `/api/v1/projects/${p.slug}/github`;
    const body = { repository, secret, appId: "12345", privateKey };

    const linked = await api(url, { method: "PUT", json: body, headers: admin.headers });
    expect(linked.status).toBe(200);
    expect(linked.body).toEqual({ project: p.slug, repository: repository.toLowerCase(), secretSet: true, appId: "12345", privateKeySet: true });
    expect(JSON.stringify(linked.body)).not.toContain(secret);

    expectApiError(await api(url, { method: "PUT", json: body, headers: engineer.headers }), 403, "forbidden");
    expectApiError(await api(url, { method: "PUT", json: body, token: await makeToken(p.slug) }), 403, "forbidden");
    const badKey = expectApiError(await api(url, { method: "PUT", json: { ...body, privateKey: "-----BEGIN RSA PRIVATE KEY-----\nnope\n-----END RSA PRIVATE KEY-----" }, headers: admin.headers }), 422, "validation_failed");
    expect(badKey.message).not.toContain("nope");
    expectApiError(await api(url, { method: "PUT", json: { repository, appId: "12345", privateKey: null }, headers: admin.headers }), 422, "validation_failed");

    const audit = JSON.stringify(await db().auditEvent.findMany({ where: { action: "project.github_linked", project: { slug: p.slug } } }), (_, v: unknown) => (typeof v === "bigint" ? String(v) : v));
    expect(audit).toContain("12345");
    expect(audit).not.toContain(secret);
    expect(audit).not.toContain("PRIVATE KEY");

    const unlinked = await api(url, { method: "DELETE", headers: admin.headers });
    expect(unlinked.body).toEqual({ project: p.slug, repository: null, secretSet: false, appId: null, privateKeySet: false });
    const row = await db().project.findUniqueOrThrow({ where: { slug: p.slug } });
    expect([row.githubRepository, row.githubWebhookSecret, row.githubAppId, row.githubAppPrivateKey]).toEqual([null, null, null, null]);
  });
});
