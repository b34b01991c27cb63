// Creating releases over HTTP, as CI does before it posts results; and the health check.
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { makeProject, makeToken, makeUser, randomSha } from "../support/fixtures";
import { api, baseUrl, signIn } from "../support/http";
import { auditEvents, projectAuditCount } from "../support/db-state";
import { detailPaths, expectApiError } from "../support/errors";

type Project = Awaited<ReturnType<typeof makeProject>>;

const create = (p: Project, body: unknown, token = p.token) => api(`/api/v1/projects/${p.slug}/releases`, { token, json: body });
const releaseCount = (p: Project) => db().release.count({ where: { project: { slug: p.slug } } });

async function noRelease(p: Project, request: () => Promise<unknown>) {
  const [releases, audit] = [await releaseCount(p), await projectAuditCount(p.slug)];
  await request();
  expect(await releaseCount(p)).toBe(releases);
  expect(await projectAuditCount(p.slug)).toBe(audit);
}

describe("POST /releases", () => {
  it("creates a release (201) with its own snapshot of the template, audited once", async () => {
    const p = await makeProject();
    const commit = randomSha();
    const response = await create(p, { version: "v1.1.0-rc.1+build.7", commit: commit.toUpperCase(), template: p.template });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({ version: "v1.1.0-rc.1+build.7", commit, status: "in_progress" });
    // Location names the new release, its version encoded (a `+` is not a space).
    expect(response.headers.get("location")).toBe(`/api/v1/projects/${p.slug}/releases/${encodeURIComponent("v1.1.0-rc.1+build.7")}`);

    const release = await api(response.headers.get("location")!, { token: p.token });
    expect(release.status).toBe(200);
    expect(release.body.release).toMatchObject({ version: "v1.1.0-rc.1+build.7", commitSha: commit, template: p.template, templateVersion: 1 });
    const keys = release.body.sections.flatMap((s: { items: { key: string }[] }) => s.items.map((i) => i.key));
    expect(keys).toEqual(["smoke-tests", "event-throughput", "staging-ws-events", "release-approval", "rollback-smoke-failure", "rollback-missing-events"]);

    const events = (await auditEvents(p.slug, "v1.1.0-rc.1+build.7", "release.created"));
    expect(events).toHaveLength(1);
    expect(events[0]!.after).toMatchObject({ version: "v1.1.0-rc.1+build.7", commit, template: p.template, templateVersion: 1 });

    const gate = await api(`/api/v1/projects/${p.slug}/releases/${encodeURIComponent("v1.1.0-rc.1+build.7")}/gate?environment=staging`, { token: p.token });
    expect(gate.body).toMatchObject({ open: false });
  });

  it("a release manager can create one with the session cookie; it records who created it", async () => {
    const p = await makeProject();
    const manager = await makeUser(p.slug, "release-manager");
    const cookie = await signIn(manager.email, manager.password);
    const response = await api(`/api/v1/projects/${p.slug}/releases`, { json: { version: "v2.0.0", commit: randomSha(), template: p.template }, headers: { cookie, origin: baseUrl() } });
    expect(response.status).toBe(201);
    const row = await db().release.findFirstOrThrow({ where: { project: { slug: p.slug }, version: "v2.0.0" } });
    expect(row.createdById).toBe(manager.id);

    const engineer = await makeUser(p.slug, "engineer");
    const engineerCookie = await signIn(engineer.email, engineer.password);
    await noRelease(p, async () => {
      const refused = await api(`/api/v1/projects/${p.slug}/releases`, { json: { version: "v2.0.1", commit: randomSha(), template: p.template }, headers: { cookie: engineerCookie, origin: baseUrl() } });
      expectApiError(refused, 403, "forbidden");
    });
  });

  it("a version that exists is 409, also when ten requests race for it", async () => {
    const p = await makeProject();
    await noRelease(p, async () => {
      expectApiError(await create(p, { version: p.version, commit: randomSha(), template: p.template }), 409, "conflict");
    });
    const racing = await Promise.all(Array.from({ length: 10 }, () => create(p, { version: "v3.0.0", commit: randomSha(), template: p.template })));
    expect(racing.map((r) => r.status).sort()).toEqual([201, ...Array(9).fill(409)]);
    for (const r of racing.filter((r) => r.status === 409)) expectApiError(r, 409, "conflict");
    expect(await db().release.count({ where: { project: { slug: p.slug }, version: "v3.0.0" } })).toBe(1);
    expect(await auditEvents(p.slug, "v3.0.0", "release.created")).toHaveLength(1);
  });

  it("an unknown template or template version is 404", async () => {
    const p = await makeProject();
    await noRelease(p, async () => {
      expect(expectApiError(await create(p, { version: "v4.0.0", commit: randomSha(), template: "no-such-template" }), 404, "not_found").message).toContain("no-such-template");
      expectApiError(await create(p, { version: "v4.0.0", commit: randomSha(), template: p.template, templateVersion: 99 }), 404, "not_found");
      // Another project's template is not this project's.
      const other = await makeProject({ template: "name: other-checklist\nsections:\n  - title: Checks\n    phase: pre-deploy\n    items:\n      - { key: a, title: A, kind: check, patterns: [\"a/*\"] }\n" });
      expectApiError(await create(p, { version: "v4.0.0", commit: randomSha(), template: other.template }), 404, "not_found");
    });
  });

  it("invalid versions, commits and unknown fields are 422 with the offending path", async () => {
    const p = await makeProject();
    const good = { version: "v5.0.0", commit: randomSha(), template: p.template };
    const cases: [unknown, string][] = [
      [{ ...good, version: "v1 0" }, "version"],
      [{ ...good, version: "../../etc/passwd" }, "version"],
      [{ ...good, version: "-v1" }, "version"],
      [{ ...good, version: "" }, "version"],
      [{ ...good, version: "v1/2" }, "version"],
      [{ ...good, version: "v1\u0000" }, "version"],
      [{ ...good, version: `v${"1".repeat(100)}` }, "version"],
      [{ ...good, version: 5 }, "version"],
      [{ commit: good.commit, template: good.template }, "version"],
      [{ ...good, commit: "main" }, "commit"],
      [{ ...good, commit: undefined }, "commit"],
      [{ ...good, template: "" }, "template"],
      [{ ...good, templateVersion: 0 }, "templateVersion"],
      [{ ...good, templateVersion: "1" }, "templateVersion"],
      [{ ...good, status: "deployed" }, ""],
    ];
    await noRelease(p, async () => {
      for (const [body, path] of cases) {
        const error = expectApiError(await create(p, body), 422, "validation_failed");
        expect({ body, paths: [...new Set(detailPaths(error))] }).toEqual({ body, paths: [path] });
      }
    });
  });

  it("a token without releases:write may not create releases (403)", async () => {
    const p = await makeProject();
    const token = await makeToken(p.slug, ["results:write", "gate:read"]);
    await noRelease(p, async () => {
      expect(expectApiError(await create(p, { version: "v6.0.0", commit: randomSha(), template: p.template }, token), 403, "forbidden").message).toContain("releases:write");
    });
  });
});

describe("GET /releases/{version}: who can sign", () => {
  it("lists, per manual item, the members whose sign-off would count (by role), not those below it or disabled; other items none", async () => {
    const p = await makeProject();
    const manager = await makeUser(p.slug, "release-manager");
    const admin = await makeUser(p.slug, "admin");
    const engineer = await makeUser(p.slug, "engineer");
    const gone = await makeUser(p.slug, "release-manager");
    await db().user.update({ where: { id: gone.id }, data: { disabledAt: new Date() } });
    const release = await api(`/api/v1/projects/${p.slug}/releases/${p.version}`, { token: p.token });
    expect(release.status).toBe(200);
    const items = (release.body.sections as { items: { key: string; signers: { userId: string }[] }[] }[]).flatMap((s) => s.items);
    const signers = (key: string) => items.find((i) => i.key === key)!.signers.map((s) => s.userId).sort();
    expect(signers("release-approval")).toEqual([manager.id, admin.id].sort());
    expect(signers("staging-ws-events")).toEqual([manager.id, admin.id, engineer.id].sort());
    expect(signers("smoke-tests")).toEqual([]);
  });
});

describe("GET /api/health", () => {
  it("is 200 with the database ok, not cached, and needs no credentials", async () => {
    const response = await api("/api/health");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.body).toMatchObject({ status: "ok", database: { ok: true } });
    expect(typeof (response.body as { database: { latencyMs: unknown } }).database.latencyMs).toBe("number");
  });
});

describe("GET /releases", () => {
  const list = (p: Project, query = "", token = p.token) => api(`/api/v1/projects/${p.slug}/releases${query}`, { token });

  it("pages through every release newest first, none twice, with nextCursor and a Link header until the last page", async () => {
    const p = await makeProject();
    for (let i = 1; i <= 6; i++) expect((await create(p, { version: `v1.${i}.0`, commit: randomSha(), template: p.template })).status).toBe(201);
    // Two created at the same instant: the cursor must still order and split them.
    const same = new Date();
    await db().release.updateMany({ where: { project: { slug: p.slug }, version: { in: ["v1.3.0", "v1.4.0"] } }, data: { createdAt: same } });
    const all = await list(p, "?limit=100");
    expect(all.status).toBe(200);
    const expected = all.body.releases.map((r: { version: string }) => r.version);
    expect(expected).toHaveLength(7);

    const seen: string[] = [];
    let query = "?limit=2";
    for (let page = 0; page < 10; page++) {
      const response = await list(p, query);
      expect(response.status).toBe(200);
      seen.push(...response.body.releases.map((r: { version: string }) => r.version));
      if (!response.body.nextCursor) {
        expect(response.headers.get("link")).toBeNull();
        break;
      }
      expect(response.body.releases).toHaveLength(2);
      const link = /^<([^>]+)>; rel="next"$/.exec(response.headers.get("link") ?? "");
      expect(link?.[1]).toContain(`cursor=${encodeURIComponent(response.body.nextCursor)}`);
      query = new URL(link![1]!, baseUrl()).search;
    }
    expect(seen).toEqual(expected);
    const first = all.body.releases[0];
    expect(first.environments.map((e: { environment: string }) => e.environment)).toEqual(["staging", "production"]);
    expect(first.gates[0]).toMatchObject({ environment: "staging", open: false });
  });

  it("filters by status and by where a release was deployed", async () => {
    const p = await makeProject();
    await create(p, { version: "v2.0.0", commit: randomSha(), template: p.template });
    const [project, release] = await Promise.all([
      db().project.findUniqueOrThrow({ where: { slug: p.slug } }),
      db().release.findFirstOrThrow({ where: { project: { slug: p.slug }, version: p.version } }),
    ]);
    await db().deployment.create({ data: { releaseId: release.id, projectId: project.id, environment: "staging", commitSha: release.commitSha, deployedBy: "test" } });
    const versions = async (query: string) => (await list(p, query)).body.releases.map((r: { version: string }) => r.version);
    expect(await versions("?deployedTo=staging")).toEqual([p.version]);
    expect(await versions("?notDeployedTo=staging")).toEqual(["v2.0.0"]);
    expect(await versions("?deployedTo=staging&notDeployedTo=production")).toEqual([p.version]);
    expect(await versions("?deployedTo=nowhere")).toEqual([]);
    expect(await versions("?status=in_progress")).toEqual(["v2.0.0", p.version]);
    expect(await versions("?status=abandoned")).toEqual([]);
  });

  it("refuses what it cannot read with a JSON error and leaves other projects' releases out of reach", async () => {
    const p = await makeProject();
    const other = await makeProject();
    for (const [query, status] of [
      ["?cursor=bm90LWEtY3Vyc29y", 400],
      ["?cursor=%FF", 400],
      ["?limit=0", 422],
      ["?limit=101", 422],
      ["?limit=two", 422],
      ["?status=shipped", 422],
      ["?sort=version", 422],
    ] as const) {
      const response = await list(p, query);
      expect(response.status, query).toBe(status);
      expect(response.body.error.code).toBeTruthy();
    }
    expect((await list(p, "", other.token)).status).toBe(403);
    expect((await api(`/api/v1/projects/${p.slug}/releases`)).status).toBe(401);
  });
});
