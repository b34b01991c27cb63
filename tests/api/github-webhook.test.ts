// POST /api/v1/webhooks/github over HTTP with GitHub's own example payloads: signature over the raw
// body, project found by repository, deduplication by X-GitHub-Delivery (also under concurrency),
// results on the release built from the event's commit, raw payload kept gzipped, audit trail.
import examples from "@octokit/webhooks-examples";
import { createHash, createHmac, randomBytes, randomUUID } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { loadUserPrincipal } from "@/lib/auth/principal";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { ServerContext } from "@/lib/server/context";
import { createRelease } from "@/lib/server/create-release";
import { setGithubLink } from "@/lib/server/set-github-link";
import { releaseRow } from "../support/db-state";
import { expectApiError } from "../support/errors";
import { makeProject, makeUser, randomSha, uniqueSuffix } from "../support/fixtures";
import { api } from "../support/http";
import { send } from "../support/raw";

const system: ServerContext = { principal: { kind: "system", label: "test-fixture" } };
const URL_PATH = "/api/v1/webhooks/github";

// A template whose check item is fed by the example workflow's key, so results show as matched.
const TEMPLATE = `
name: github-checklist
sections:
  - title: CI
    phase: pre-deploy
    items:
      - key: ci-workflow
        title: The "test" workflow passes
        kind: check
        patterns: ["github:test"]
      - key: linters
        title: Linters pass
        kind: check
        patterns: ["github:github-actions/*"]
`;

type Payload = Record<string, unknown> & { repository?: Record<string, unknown> };

function example(event: string, test: (p: Payload) => boolean): Payload {
  const found = examples.find((d) => d.name === event)?.examples.map((e) => structuredClone(e) as unknown as Payload).find(test);
  if (!found) throw new Error(`no ${event} example matches`);
  return found;
}

const part = (p: Payload, field: string) => p[field] as Record<string, unknown>;
const completed = (field: string, conclusion: string) => (p: Payload) => p.action === "completed" && part(p, field).conclusion === conclusion;

/** GitHub's completed, successful workflow_run example (workflow "test"). */
const workflowRunExample = () => example("workflow_run", completed("workflow_run", "success"));
const EXAMPLE_SHA = part(workflowRunExample(), "workflow_run").head_sha as string;

type Linked = Awaited<ReturnType<typeof linkedProject>>;

/** A project linked to its own repository and secret, with release v1.1.0 on the example's commit. */
async function linkedProject(options: { release?: boolean } = {}) {
  const p = await makeProject({ template: TEMPLATE });
  const repository = `Octo-Org/repo-${uniqueSuffix()}`;
  const secret = randomBytes(24).toString("hex");
  await setGithubLink(system, p.slug, { repository, secret });
  if (options.release !== false) await createRelease(system, p.slug, { version: "v1.1.0", commit: EXAMPLE_SHA, template: p.template });
  return { ...p, repository, secret };
}

/** The payload as if sent by the project's repository. */
function forRepo(p: { repository: string }, payload: Payload, fullName = p.repository): Payload {
  payload.repository = { ...(payload.repository ?? {}), full_name: fullName };
  return payload;
}

const sign = (secret: string, body: string) => `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

type DeliverOptions = { delivery?: string; secret?: string; signature?: string | null; contentType?: string; headers?: Record<string, string | null> };

function deliver(p: { secret: string }, event: string, payload: Payload | string, options: DeliverOptions = {}) {
  const body = typeof payload === "string" ? payload : JSON.stringify(payload);
  const headers: Record<string, string | null> = {
    "content-type": options.contentType ?? "application/json",
    "user-agent": "GitHub-Hookshot/044aadd",
    "x-github-event": event,
    "x-github-delivery": options.delivery ?? randomUUID(),
    "x-hub-signature-256": options.signature === undefined ? sign(options.secret ?? p.secret, body) : options.signature,
    ...options.headers,
  };
  const present = Object.fromEntries(Object.entries(headers).filter((e): e is [string, string] => e[1] !== null));
  return api(URL_PATH, { method: "POST", body, headers: present });
}

/** Everything a delivery could have written for this project. */
async function stored(p: Linked, delivery?: string) {
  const project = await db().project.findUniqueOrThrow({ where: { slug: p.slug } });
  const releases = await db().release.findMany({ where: { projectId: project.id }, select: { id: true } });
  const releaseIds = releases.map((r) => r.id);
  const [results, rawPayloads, auditEvents, deliveries] = await Promise.all([
    db().result.count({ where: { releaseId: { in: releaseIds } } }),
    db().rawPayload.count({ where: { projectId: project.id } }),
    db().auditEvent.count({ where: { releaseId: { in: releaseIds }, action: "results.recorded" } }),
    delivery ? db().webhookDelivery.count({ where: { source: "github", deliveryId: delivery } }) : Promise.resolve(0),
  ]);
  return { results, rawPayloads, auditEvents, deliveries };
}

const nothing = { results: 0, rawPayloads: 0, auditEvents: 0, deliveries: 0 };

describe("GitHub webhook: ping and authentication", () => {
  it("answers a ping with 200 and GitHub's zen once the signature checks out", async () => {
    const p = await linkedProject({ release: false });
    const ping = forRepo(p, example("ping", (x) => Boolean(x.repository)));
    const response = await deliver(p, "ping", ping);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ ok: true, zen: ping.zen });
  });

  it("refuses a bad, missing or mismatched signature with 401 and stores nothing", async () => {
    const p = await linkedProject();
    const body = JSON.stringify(forRepo(p, workflowRunExample()));
    const attempts: DeliverOptions[] = [
      { secret: "not-the-webhook-secret-at-all" },
      { signature: null },
      { signature: "" },
      { signature: sign(p.secret, body).replace(/^sha256=/, "sha1=") },
      { signature: sign(p.secret, body).slice(0, -2) },
      { signature: sign(p.secret, `${body} `) },
    ];
    for (const options of attempts) {
      const delivery = randomUUID();
      const response = await deliver(p, "workflow_run", body, { ...options, delivery });
      expectApiError(response, 401, "unauthorized");
      expect(await stored(p, delivery)).toEqual(nothing);
    }
    // The body mangled after signing (one changed byte) fails too.
    const delivery = randomUUID();
    const mangled = await deliver(p, "workflow_run", body.replace('"success"', '"failure"'), { signature: sign(p.secret, body), delivery });
    expectApiError(mangled, 401, "unauthorized");
    expect(await stored(p, delivery)).toEqual(nothing);
  });

  it("answers 404 for a repository no project is linked to", async () => {
    const p = await linkedProject();
    const response = await deliver(p, "workflow_run", forRepo(p, workflowRunExample(), `nobody/unlinked-${uniqueSuffix()}`));
    const error = expectApiError(response, 404, "not_found");
    expect(error.message).toMatch(/not linked/);
    expect(await stored(p)).toEqual(nothing);
  });

  it("finds the repository whatever its case: links and lookups are case-insensitive", async () => {
    const p = await linkedProject();
    const response = await deliver(p, "workflow_run", forRepo(p, workflowRunExample(), p.repository.toUpperCase()));
    expect(response.status).toBe(201);
    const project = await db().project.findUniqueOrThrow({ where: { slug: p.slug } });
    expect(project.githubRepository).toBe(p.repository.toLowerCase());
  });
});

describe("GitHub webhook: bad input is a 4xx, never a 500", () => {
  it("malformed JSON is 400", async () => {
    const p = await linkedProject();
    const body = '{"action": "completed", "repository": {"full_name": ';
    expectApiError(await deliver(p, "workflow_run", body), 400, "bad_request");
    expectApiError(await deliver(p, "workflow_run", "[1, 2, 3]"), 400, "bad_request");
    expectApiError(await deliver(p, "workflow_run", ""), 400, "bad_request");
    expect(await stored(p)).toEqual(nothing);
  });

  it("missing X-GitHub-Event or X-GitHub-Delivery is 400", async () => {
    const p = await linkedProject();
    const payload = forRepo(p, workflowRunExample());
    expectApiError(await deliver(p, "workflow_run", payload, { headers: { "x-github-event": null } }), 400, "bad_request");
    expectApiError(await deliver(p, "workflow_run", payload, { headers: { "x-github-delivery": null } }), 400, "bad_request");
    expect(await stored(p)).toEqual(nothing);
  });

  it("a payload without a repository (an organization hook) is 400; a signed event without a head SHA is 422", async () => {
    const p = await linkedProject();
    const orgPing = example("ping", (x) => !x.repository);
    expectApiError(await deliver(p, "ping", orgPing), 400, "bad_request");
    const broken = forRepo(p, workflowRunExample());
    part(broken, "workflow_run").head_sha = { not: "a sha" };
    expectApiError(await deliver(p, "workflow_run", broken), 422, "validation_failed");
    const nul = forRepo(p, workflowRunExample(), "owner/with\u0000nul");
    expectApiError(await deliver(p, "workflow_run", nul), 404, "not_found");
    expect(await stored(p)).toEqual(nothing);
  });

  it("a body over 25 MB is 413", async () => {
    const p = await linkedProject();
    const response = await send(URL_PATH, {
      headers: { "content-type": "application/json", "x-github-event": "workflow_run", "x-github-delivery": randomUUID(), "x-hub-signature-256": sign(p.secret, "x") },
      body: new Uint8Array(25 * 1024 * 1024 + 1).fill(0x20),
    });
    expectApiError(response, 413, "payload_too_large");
  });
});

describe("GitHub webhook: workflow_run, check_run and check_suite become results", () => {
  it("a completed workflow_run is stored as a result on the release built from its commit, with raw payload and audit", async () => {
    const p = await linkedProject();
    const payload = forRepo(p, workflowRunExample());
    const run = part(payload, "workflow_run");
    const body = JSON.stringify(payload, null, 2);
    const delivery = randomUUID();
    const response = await deliver(p, "workflow_run", body, { delivery });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      delivery,
      event: "workflow_run",
      commit: EXAMPLE_SHA,
      accepted: 1,
      results: ["github:test"],
      releases: [{ version: "v1.1.0", matched: [{ item: "ci-workflow", results: 1 }], unmatched: [] }],
    });

    const { releaseId, projectId } = await releaseRow(p.slug, "v1.1.0");
    const rows = await db().result.findMany({ where: { releaseId } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      key: "github:test",
      status: "passed",
      commitSha: EXAMPLE_SHA,
      environment: null,
      source: "github",
      deliveryId: delivery,
      runId: String(run.id),
      runUrl: run.html_url,
      startedAt: new Date(run.run_started_at as string),
      message: `success (${run.html_url})`,
    });
    // The project's other release (another commit) got nothing.
    const other = await releaseRow(p.slug, p.version);
    expect(await db().result.count({ where: { releaseId: other.releaseId } })).toBe(0);

    // Visible on the release: the check item it feeds shows it, and no longer blocks the gate.
    const release = await api(`/api/v1/projects/${p.slug}/releases/v1.1.0`, { token: p.token });
    expect(release.status).toBe(200);
    const items = release.body.sections.flatMap((s: { items: { key: string }[] }) => s.items);
    const ci = items.find((i: { key: string }) => i.key === "ci-workflow");
    // Passing runs are counted on the page and listed when the list is opened.
    expect(ci.environments.staging).toMatchObject({ status: "passed", resultCount: 1, resultCounts: { passed: 1 }, lastRun: { runUrl: run.html_url } });
    const listed = await api(`/api/v1/projects/${p.slug}/releases/v1.1.0/items/ci-workflow/results?environment=staging`, { token: p.token });
    expect(listed.body.results).toMatchObject([{ key: "github:test", status: "passed", runUrl: run.html_url }]);
    const gate = await api(`/api/v1/projects/${p.slug}/releases/v1.1.0/gate?environment=staging`, { token: p.token });
    expect(gate.body.blocking.map((b: { item: string }) => b.item)).toEqual(["linters"]);

    // The raw body, byte for byte, gzip-compressed, with its SHA-256.
    const raw = await db().rawPayload.findMany({ where: { deliveryId: delivery } });
    expect(raw).toHaveLength(1);
    expect(raw[0]).toMatchObject({ projectId, releaseId, source: "github", contentType: "application/json", sha256: createHash("sha256").update(body).digest("hex") });
    const bytes = Buffer.from(raw[0]!.body);
    expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(bytes.length).toBeLessThan(Buffer.byteLength(body));
    expect(gunzipSync(bytes).toString("utf8")).toBe(body);

    // One audit event by the repository, in the same transaction; one delivery row.
    const audit = await db().auditEvent.findMany({ where: { releaseId, action: "results.recorded" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorLabel: `github:${p.repository.toLowerCase()}`, actorUserId: null, actorToken: null, projectId });
    expect(audit[0]!.after).toMatchObject({ delivery, source: "github", event: "workflow_run", count: 1, keys: ["github:test"], commit: EXAMPLE_SHA });
    const deliveries = await db().webhookDelivery.findMany({ where: { source: "github", deliveryId: delivery } });
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ event: "workflow_run", outcome: "accepted: 1 result(s) for v1.1.0" });
  });

  it("a failing check_run and an app's check_suite become results keyed by app and check", async () => {
    const p = await linkedProject();
    const checkRun = forRepo(p, example("check_run", completed("check_run", "failure")));
    part(checkRun, "check_run").head_sha = p.commit;
    const run = await deliver(p, "check_run", checkRun);
    expect(run.status).toBe(201);
    expect(run.body).toMatchObject({ event: "check_run", commit: p.commit, results: ["github:github-actions/Octocoders-linter"] });
    // The demo-like release v1.0.0 uses the same template: the linters item matches it.
    expect(run.body.releases).toEqual([{ version: p.version, matched: [{ item: "linters", results: 1 }], unmatched: [] }]);

    const suite = forRepo(p, example("check_suite", (x) => completed("check_suite", "success")(x) && !(part(x, "check_suite").app as { slug?: string }).slug));
    part(suite, "check_suite").head_sha = p.commit.toUpperCase();
    const suiteResponse = await deliver(p, "check_suite", suite);
    expect(suiteResponse.status).toBe(201);
    expect(suiteResponse.body).toMatchObject({ results: ["github:octocoders-linter"], releases: [{ version: p.version, matched: [], unmatched: ["github:octocoders-linter"] }] });

    const { releaseId } = await releaseRow(p.slug, p.version);
    const rows = await db().result.findMany({ where: { releaseId }, orderBy: { key: "asc" } });
    expect(rows.map((r) => [r.key, r.status, r.commitSha])).toEqual([
      ["github:github-actions/Octocoders-linter", "failed", p.commit],
      ["github:octocoders-linter", "passed", p.commit],
    ]);
    const gate = await api(`/api/v1/projects/${p.slug}/releases/${p.version}/gate?environment=staging`, { token: p.token });
    expect(gate.body.blocking).toContainEqual(expect.objectContaining({ item: "linters", reason: "failed" }));
  });

  it("a release created with a short SHA counts as the event's full commit", async () => {
    const p = await linkedProject({ release: false });
    const sha = randomSha();
    await createRelease(system, p.slug, { version: "v2.0.0", commit: sha.slice(0, 10), template: p.template });
    const payload = forRepo(p, workflowRunExample());
    part(payload, "workflow_run").head_sha = sha;
    const response = await deliver(p, "workflow_run", payload);
    expect(response.status).toBe(201);
    expect(response.body.releases).toEqual([{ version: "v2.0.0", matched: [{ item: "ci-workflow", results: 1 }], unmatched: [] }]);
    const { releaseId } = await releaseRow(p.slug, "v2.0.0");
    expect((await db().result.findFirstOrThrow({ where: { releaseId } })).commitSha).toBe(sha.slice(0, 10));
  });

  it("a form-encoded delivery (payload field) is accepted; the signature covers the form body", async () => {
    const p = await linkedProject();
    const body = new URLSearchParams({ payload: JSON.stringify(forRepo(p, workflowRunExample())) }).toString();
    const response = await deliver(p, "workflow_run", body, { contentType: "application/x-www-form-urlencoded" });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ accepted: 1, results: ["github:test"] });
  });
});

describe("GitHub webhook: what is ignored (202)", () => {
  it("no release for the commit: 202, recorded as a delivery with that outcome, no results; a redelivery is a duplicate", async () => {
    const p = await linkedProject({ release: false });
    const payload = forRepo(p, workflowRunExample());
    const delivery = randomUUID();
    const response = await deliver(p, "workflow_run", payload, { delivery });
    expect(response.status).toBe(202);
    expect(response.body).toEqual({ ignored: `no release for commit ${EXAMPLE_SHA}`, delivery });
    const row = await db().webhookDelivery.findUniqueOrThrow({ where: { source_deliveryId: { source: "github", deliveryId: delivery } } });
    expect(row).toMatchObject({ event: "workflow_run", outcome: `ignored: no release for commit ${EXAMPLE_SHA}` });
    expect(await stored(p, delivery)).toEqual({ ...nothing, deliveries: 1 });

    const again = await deliver(p, "workflow_run", payload, { delivery });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ duplicate: true, delivery });
  });

  it("actions other than completed, and events Shipcheck doesn't use, are 202 with nothing stored", async () => {
    const p = await linkedProject();
    const requested = forRepo(p, example("workflow_run", (x) => x.action === "requested"));
    const r1 = await deliver(p, "workflow_run", requested);
    expect(r1.status).toBe(202);
    expect(r1.body.ignored).toBe('workflow_run action "requested" is not "completed"');
    const created = forRepo(p, example("check_run", (x) => x.action === "created"));
    expect((await deliver(p, "check_run", created)).status).toBe(202);
    const actionsSuite = forRepo(p, example("check_suite", (x) => (part(x, "check_suite").app as { slug?: string }).slug === "github-actions"));
    expect((await deliver(p, "check_suite", actionsSuite)).status).toBe(202);
    const push = await deliver(p, "push", forRepo(p, { ref: "refs/heads/main", after: EXAMPLE_SHA }));
    expect(push.status).toBe(202);
    expect(push.body.ignored).toBe('event "push" is not used by Shipcheck');
    expect(await stored(p)).toEqual(nothing);
  });
});

describe("GitHub webhook: redeliveries", () => {
  it("the same X-GitHub-Delivery again is acknowledged as a duplicate and stores nothing twice", async () => {
    const p = await linkedProject();
    const payload = forRepo(p, workflowRunExample());
    const delivery = randomUUID();
    const first = await deliver(p, "workflow_run", payload, { delivery });
    expect(first.status).toBe(201);
    const after = await stored(p, delivery);
    expect(after).toEqual({ results: 1, rawPayloads: 1, auditEvents: 1, deliveries: 1 });

    const second = await deliver(p, "workflow_run", payload, { delivery });
    expect(second.status).toBe(200);
    expect(second.body).toEqual({ duplicate: true, delivery });
    expect(await stored(p, delivery)).toEqual(after);
  });

  it("5 concurrent deliveries with one id store one set of rows: one 201, four duplicates", async () => {
    const p = await linkedProject();
    const payload = forRepo(p, workflowRunExample());
    const delivery = randomUUID();
    const responses = await Promise.all(Array.from({ length: 5 }, () => deliver(p, "workflow_run", payload, { delivery })));
    expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201]);
    for (const r of responses.filter((x) => x.status === 200)) expect(r.body).toEqual({ duplicate: true, delivery });
    expect(await stored(p, delivery)).toEqual({ results: 1, rawPayloads: 1, auditEvents: 1, deliveries: 1 });
  });

  it("the same signed body under a new delivery id is a duplicate; a re-run (a new attempt) is a new result", async () => {
    const p = await linkedProject();
    const payload = forRepo(p, workflowRunExample());
    expect((await deliver(p, "workflow_run", payload)).status).toBe(201);
    const after = await stored(p);
    const replay = randomUUID();
    const replayed = await deliver(p, "workflow_run", payload, { delivery: replay });
    expect(replayed.status).toBe(200);
    expect(replayed.body).toEqual({ duplicate: true, delivery: replay });
    expect(await stored(p)).toEqual(after);

    const run = part(payload, "workflow_run");
    const rerun = { ...payload, workflow_run: { ...run, run_attempt: Number(run.run_attempt ?? 1) + 1, updated_at: new Date().toISOString() } };
    expect((await deliver(p, "workflow_run", rerun)).status).toBe(201);
    expect((await stored(p)).results).toBe(after.results + 1);
  });
});

describe("set-github-link", () => {
  it("is for project admins only; the secret never reaches the audit trail", async () => {
    const p = await makeProject();
    const engineer = await makeUser(p.slug, "engineer");
    const admin = await makeUser(p.slug, "admin");
    const outsider = await makeUser(null, null);
    const as = async (id: string): Promise<ServerContext> => ({ principal: (await loadUserPrincipal(id))! });
    const repository = `octo-org/link-${uniqueSuffix()}`;
    const secret = randomBytes(20).toString("hex");

    await expect(setGithubLink(await as(engineer.id), p.slug, { repository, secret })).rejects.toMatchObject({ code: "forbidden" });
    await expect(setGithubLink(await as(outsider.id), p.slug, { repository, secret })).rejects.toMatchObject({ code: "not_found" });
    expect(await setGithubLink(await as(admin.id), p.slug, { repository, secret })).toEqual({ project: p.slug, repository, secretSet: true, appId: null, privateKeySet: false });

    const events = await db().auditEvent.findMany({ where: { project: { slug: p.slug }, action: "project.github_linked" } });
    expect(events).toHaveLength(1);
    expect(JSON.stringify([events[0]!.before, events[0]!.after])).not.toContain(secret);
    expect(events[0]!.after).toEqual({ repository, secretSet: true, secretChanged: true, appId: null, privateKeyChanged: false });

    // Changing only the repository keeps the secret; unlinking clears both.
    const renamed = `octo-org/renamed-${uniqueSuffix()}`;
    await setGithubLink(system, p.slug, { repository: renamed });
    const kept = await db().project.findUniqueOrThrow({ where: { slug: p.slug } });
    expect(kept).toMatchObject({ githubRepository: renamed, githubWebhookSecret: secret });
    await setGithubLink(system, p.slug, { repository: null });
    expect(await db().project.findUniqueOrThrow({ where: { slug: p.slug } })).toMatchObject({ githubRepository: null, githubWebhookSecret: null });
  });

  it("refuses a repository already linked elsewhere (409), a bad name or a short secret, and a first link without secret", async () => {
    const a = await linkedProject({ release: false });
    const b = await makeProject();
    const secret = randomBytes(20).toString("hex");
    const conflict = await setGithubLink(system, b.slug, { repository: a.repository.toUpperCase(), secret }).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(AppError);
    expect(conflict).toMatchObject({ code: "conflict" });
    await expect(setGithubLink(system, b.slug, { repository: "not a repo", secret })).rejects.toThrow();
    await expect(setGithubLink(system, b.slug, { repository: `octo-org/r-${uniqueSuffix()}`, secret: "short" })).rejects.toThrow();
    await expect(setGithubLink(system, b.slug, { repository: `octo-org/r-${uniqueSuffix()}` })).rejects.toMatchObject({ code: "validation_failed" });
  });
});
