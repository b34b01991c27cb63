// Templates over HTTP: immutable versions (a new one only when the meaning changes), the diff
// between versions, releases pinning the version they were made from, refusals with a location
// for every problem, and who may save.
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { makeProject, makeToken, randomSha } from "../support/fixtures";
import { api } from "../support/http";
import { send } from "../support/raw";
import { projectAuditCount } from "../support/db-state";
import { detailPaths, expectApiError } from "../support/errors";
import { gate, person, putTemplate, releaseItems, templateVersions } from "../support/templates";

type Detail = { path: string; message: string; line?: number; column?: number };

const NAME = "team-checklist";

/** Version 1 of the test template: a check, a metric (threshold 500), a manual item and a watch item. */
const V1 = `# The team's checklist, pushed from the repository.
name: ${NAME}
description: Checks before every deploy.
sections:
  - title: Pre-deploy checks
    phase: pre-deploy
    items:
      - key: smoke-tests
        title: Smoke tests pass
        kind: check
        patterns: ["tests/smoke/*"]
      - key: event-throughput
        title: WebSocket throughput above the floor
        kind: metric
        metric: events_per_sec
        operator: ">"
        threshold: 500
        unit: events/s
      - key: release-approval
        title: Release manager approval
        kind: manual
        role: release-manager
  - title: Rollback criteria
    phase: rollback
    items:
      - key: rollback-smoke-failure
        title: Smoke tests fail after deploy
        kind: watch
        check: "tests/smoke/*"
`;

/** The same meaning as V1: keys reordered, other comments, flow style, defaults spelled out. */
const V1_REWRITTEN = `sections:
  # Everything that gates a deploy.
  - items:
      - patterns:
          - tests/smoke/*   # the smoke suite
        kind: check
        title: Smoke tests pass
        key: smoke-tests
        expect: all-pass
        required: true
        environments: []
      - { unit: events/s, threshold: 500.0, operator: ">", metric: events_per_sec, kind: metric, title: WebSocket throughput above the floor, key: event-throughput }
      - role: release-manager
        kind: manual
        approvals: 1
        title: Release manager approval
        key: release-approval
    phase: pre-deploy
    title: Pre-deploy checks
  - phase: rollback
    title: Rollback criteria
    items:
      - { check: "tests/smoke/*", kind: watch, title: Smoke tests fail after deploy, key: rollback-smoke-failure }
description: "Checks before every deploy."
name: ${NAME}
`;

/** V1 with the throughput threshold raised to 600: one field of one item. */
const V2 = V1.replace("threshold: 500", "threshold: 600");

/** V2 without the manual approval, with a new manual item in its place. */
const V3 = V2.replace(
  `      - key: release-approval
        title: Release manager approval
        kind: manual
        role: release-manager
`,
  `      - key: staging-ws-events
        title: Critical events visible on staging
        kind: manual
        role: engineer
`,
);

async function project() {
  const p = await makeProject({ template: V1 });
  expect(p.template).toBe(NAME);
  return p;
}

const templatePath = (slug: string, name = NAME) => `/api/v1/projects/${slug}/templates/${encodeURIComponent(name)}`;

/** Runs a request that must not save anything: no version row, no audit event. */
async function nothingSaved<T>(slug: string, name: string, request: () => Promise<T>): Promise<T> {
  const [versions, audit] = [(await templateVersions(slug, name)).length, await projectAuditCount(slug)];
  const out = await request();
  expect((await templateVersions(slug, name)).length).toBe(versions);
  expect(await projectAuditCount(slug)).toBe(audit);
  return out;
}

describe("saving versions", () => {
  it("a new template is 201 version 1; the same text again is 200, still version 1, with no new row or audit event", async () => {
    const p = await project();
    const created = await putTemplate(p.slug, "fresh", V1.replace(`name: ${NAME}`, "name: fresh"), p);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ template: "fresh", version: 1, created: true });
    const events = await db().auditEvent.findMany({ where: { project: { slug: p.slug }, action: "template.version_created" } });
    expect(events.map((e) => e.after)).toContainEqual(expect.objectContaining({ name: "fresh", version: 1 }));

    const again = await nothingSaved(p.slug, "fresh", () => putTemplate(p.slug, "fresh", V1.replace(`name: ${NAME}`, "name: fresh"), p));
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ template: "fresh", version: 1, created: false });
    expect((await templateVersions(p.slug, "fresh")).map((v) => v.version)).toEqual([1]);
  });

  it("reordered keys, comments, flow style and spelled-out defaults are not a change (200, version 1)", async () => {
    const p = await project();
    const same = await nothingSaved(p.slug, NAME, () => putTemplate(p.slug, NAME, V1_REWRITTEN, p));
    expect(same.status).toBe(200);
    expect(same.body).toEqual({ template: NAME, version: 1, created: false });
    // The stored source stays the one first saved.
    expect((await templateVersions(p.slug, NAME)).map((v) => v.source)).toEqual([V1]);
  });

  it("a changed threshold is version 2, whose changes name the item and the field; the history lists newest first", async () => {
    const p = await project();
    const saved = await putTemplate(p.slug, NAME, V2, p);
    expect(saved.status).toBe(201);
    expect(saved.body).toEqual({ template: NAME, version: 2, created: true });

    const history = await api(templatePath(p.slug), { token: p.token });
    expect(history.status).toBe(200);
    expect(history.body.name).toBe(NAME);
    expect(history.body.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    const [v2, v1] = history.body.versions;
    expect(v2.changes).toEqual({
      added: [],
      removed: [],
      changed: [{ key: "event-throughput", title: "WebSocket throughput above the floor", fields: ["threshold"] }],
      other: [],
    });
    expect(v1.changes).toBeNull();
    expect(v2.source).toBe(V2);
    expect(v2.definition.sections[0].items[1]).toMatchObject({ key: "event-throughput", threshold: 600 });
    expect(v1.definition.sections[0].items[1]).toMatchObject({ key: "event-throughput", threshold: 500 });
    expect(v2.digest).not.toBe(v1.digest);
  });

  it("a removed and an added item show in the next version's diff; the list shows the latest version", async () => {
    const p = await project();
    expect((await putTemplate(p.slug, NAME, V2, p)).status).toBe(201);
    const saved = await putTemplate(p.slug, NAME, V3, p);
    expect(saved.body).toEqual({ template: NAME, version: 3, created: true });

    const history = await api(templatePath(p.slug), { token: p.token });
    expect(history.body.versions.map((v: { version: number }) => v.version)).toEqual([3, 2, 1]);
    expect(history.body.versions[0].changes).toEqual({
      added: [{ key: "staging-ws-events", title: "Critical events visible on staging", section: "Pre-deploy checks" }],
      removed: [{ key: "release-approval", title: "Release manager approval", section: "Pre-deploy checks" }],
      changed: [],
      other: [],
    });

    // Going back to version 1's text is a change too: a new version 4, not a reuse of 1.
    const back = await putTemplate(p.slug, NAME, V1, p);
    expect(back.body).toEqual({ template: NAME, version: 4, created: true });

    const list = await api(`/api/v1/projects/${p.slug}/templates`, { token: p.token });
    expect(list.status).toBe(200);
    expect(list.body.templates).toEqual([{ name: NAME, latestVersion: 4, updatedAt: expect.any(String) }]);
  });

  it("a template-level change (guarded paths) is reported under other", async () => {
    const p = await project();
    const withGuard = `${V1}guardedPaths:\n  - path: src/registry.py\n    checks: [tests/mission_critical/]\n`;
    expect((await putTemplate(p.slug, NAME, withGuard, p)).status).toBe(201);
    const history = await api(templatePath(p.slug), { token: p.token });
    expect(history.body.versions[0].changes).toEqual({ added: [], removed: [], changed: [], other: ["guarded paths"] });
  });

  it("JSON is accepted (201), and the same template later sent as JSON or YAML is unchanged (200)", async () => {
    const p = await project();
    const definition = {
      name: "from-json",
      sections: [
        {
          title: "Checks",
          phase: "pre-deploy",
          items: [{ key: "lint", title: "Lint passes", kind: "check", patterns: ["lint"] }],
        },
      ],
    };
    const created = await putTemplate(p.slug, "from-json", JSON.stringify(definition), p, "application/json");
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ template: "from-json", version: 1, created: true });
    const pretty = await putTemplate(p.slug, "from-json", JSON.stringify(definition, null, 2), p, "application/json; charset=utf-8");
    expect(pretty.body).toEqual({ template: "from-json", version: 1, created: false });
    const yaml = "name: from-json\nsections:\n  - title: Checks\n    phase: pre-deploy\n    items:\n      - key: lint\n        title: Lint passes\n        kind: check\n        patterns: [lint]\n";
    const asYaml = await putTemplate(p.slug, "from-json", yaml, p, "text/yaml");
    expect(asYaml.status).toBe(200);
    expect(asYaml.body.version).toBe(1);
  });
});

describe("concurrent saves", () => {
  it("ten identical first saves of a new template: one 201, nine 200, one version, one audit event", async () => {
    const p = await project();
    const source = V1.replace(`name: ${NAME}`, "name: raced");
    const responses = await Promise.all(Array.from({ length: 10 }, () => putTemplate(p.slug, "raced", source, p)));
    expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    for (const r of responses) expect(r.body).toMatchObject({ template: "raced", version: 1 });
    expect((await templateVersions(p.slug, "raced")).map((v) => v.version)).toEqual([1]);
    expect(await db().template.count({ where: { project: { slug: p.slug }, name: "raced" } })).toBe(1);
    const events = await db().auditEvent.findMany({ where: { project: { slug: p.slug }, action: "template.version_created" } });
    expect(events.filter((e) => (e.after as { name?: string }).name === "raced")).toHaveLength(1);
  });

  it("eight different versions saved at once get the numbers 2 to 9, none twice", async () => {
    const p = await project();
    const sources = Array.from({ length: 8 }, (_, i) => V1.replace("threshold: 500", `threshold: ${501 + i}`));
    const responses = await Promise.all(sources.map((s) => putTemplate(p.slug, NAME, s, p)));
    expect(responses.map((r) => r.status)).toEqual(Array(8).fill(201));
    expect(responses.map((r) => r.body.version).sort((a: number, b: number) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    const stored = await templateVersions(p.slug, NAME);
    expect(stored.map((v) => v.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // Each response's version holds that request's text.
    for (const [i, r] of responses.entries()) expect(stored.find((v) => v.version === r.body.version)!.source).toBe(sources[i]);
  });
});

describe("releases pin the template version", () => {
  it("after version 2 is saved, the existing release keeps version 1's items; a new release gets version 2", async () => {
    const p = await project();
    expect((await putTemplate(p.slug, NAME, V2, p)).status).toBe(201);
    expect((await putTemplate(p.slug, NAME, V3, p)).status).toBe(201);

    const old = await releaseItems(p.slug, p.version, p.token);
    expect(old.release).toMatchObject({ template: NAME, templateVersion: 1 });
    expect(old.items.map((i) => i.key)).toEqual(["smoke-tests", "event-throughput", "release-approval", "rollback-smoke-failure"]);
    expect(old.items.find((i) => i.key === "event-throughput")!.requirement).toBe("events_per_sec > 500 events/s");

    const created = await api(`/api/v1/projects/${p.slug}/releases`, { token: p.token, json: { version: "v1.1.0", commit: randomSha(), template: NAME } });
    expect(created.status).toBe(201);
    const fresh = await releaseItems(p.slug, "v1.1.0", p.token);
    expect(fresh.release).toMatchObject({ template: NAME, templateVersion: 3 });
    expect(fresh.items.map((i) => i.key)).toEqual(["smoke-tests", "event-throughput", "staging-ws-events", "rollback-smoke-failure"]);
    expect(fresh.items.find((i) => i.key === "event-throughput")!.requirement).toBe("events_per_sec > 600 events/s");

    // The same throughput (550) passes the old release's threshold and fails the new one's.
    for (const version of [p.version, "v1.1.0"]) {
      const metric = await api(`/api/v1/projects/${p.slug}/releases/${version}/metrics`, { token: p.token, json: { environment: "staging", metrics: [{ name: "events_per_sec", value: 550 }] } });
      expect(metric.status).toBe(201);
    }
    expect((await gate(p.slug, p.version, p.token)).blocking.map((b) => b.item)).not.toContain("event-throughput");
    expect((await gate(p.slug, "v1.1.0", p.token)).blocking).toContainEqual(expect.objectContaining({ item: "event-throughput", reason: "metric" }));
  });

  it("templateVersion: 1 pins version 1 explicitly; an unknown version is 404 and creates nothing", async () => {
    const p = await project();
    expect((await putTemplate(p.slug, NAME, V3, p)).status).toBe(201);
    const pinned = await api(`/api/v1/projects/${p.slug}/releases`, { token: p.token, json: { version: "v1.0.1", commit: randomSha(), template: NAME, templateVersion: 1 } });
    expect(pinned.status).toBe(201);
    const items = await releaseItems(p.slug, "v1.0.1", p.token);
    expect(items.release.templateVersion).toBe(1);
    expect(items.items.map((i) => i.key)).toContain("release-approval");
    expect(items.items.map((i) => i.key)).not.toContain("staging-ws-events");

    const releases = await db().release.count({ where: { project: { slug: p.slug } } });
    for (const templateVersion of [3, 99]) {
      const unknown = await api(`/api/v1/projects/${p.slug}/releases`, { token: p.token, json: { version: "v9.9.9", commit: randomSha(), template: NAME, templateVersion } });
      expectApiError(unknown, 404, "not_found");
    }
    expect(detailPaths(expectApiError(await api(`/api/v1/projects/${p.slug}/releases`, { token: p.token, json: { version: "v9.9.9", commit: randomSha(), template: NAME, templateVersion: 0 } }), 422, "validation_failed"))).toEqual(["templateVersion"]);
    expect(await db().release.count({ where: { project: { slug: p.slug } } })).toBe(releases);
  });
});

describe("invalid templates are 422 with where the problem is, and nothing is saved", () => {
  it("a YAML syntax error gives its line and column", async () => {
    const p = await project();
    const broken = `name: ${NAME}
sections:
  - title: Pre-deploy checks
    phase: pre-deploy
    items:
      - key: smoke-tests
        title: Smoke: tests pass
`;
    const error = await nothingSaved(p.slug, NAME, async () => expectApiError(await putTemplate(p.slug, NAME, broken, p), 422, "validation_failed"));
    expect(error.details).toEqual([expect.objectContaining({ path: "", line: 7, column: 16 })]);

    const duplicateKey = `${V1}        kind: metric\n`;
    const dup = await nothingSaved(p.slug, NAME, async () => expectApiError(await putTemplate(p.slug, NAME, duplicateKey, p), 422, "validation_failed"));
    expect(dup.details).toEqual([expect.objectContaining({ path: "", line: 30, column: 9 })]);
    expect((dup.details as Detail[])[0]!.message).toMatch(/unique/i);
  });

  it("a schema problem (an unknown operator) names the path and its line", async () => {
    const p = await project();
    const bad = V1.replace('operator: ">"', 'operator: "=>"');
    const error = await nothingSaved(p.slug, NAME, async () => expectApiError(await putTemplate(p.slug, NAME, bad, p), 422, "validation_failed"));
    expect(error.details).toEqual([expect.objectContaining({ path: "sections.0.items.1.operator", line: 16, column: 19 })]);
    expect((error.details as Detail[])[0]!.message).toContain(">=");

    // Several problems at once are all reported, each with its own line.
    const worse = V1.replace('operator: ">"', 'operator: "=>"').replace("key: release-approval", "key: Release Approval").replace("phase: rollback", "phase: later");
    const all = expectApiError(await putTemplate(p.slug, NAME, worse, p), 422, "validation_failed");
    const located = (all.details as Detail[]).map((d) => [d.path, d.line]);
    expect(located).toEqual(expect.arrayContaining([
      ["sections.0.items.1.operator", 16],
      ["sections.0.items.2.key", 19],
      ["sections.1.phase", 24],
    ]));
  });

  it("duplicate item keys are refused at the second one", async () => {
    const p = await project();
    const dup = V1.replace("key: release-approval", "key: smoke-tests");
    const error = expectApiError(await putTemplate(p.slug, NAME, dup, p), 422, "validation_failed");
    expect(error.details).toEqual([expect.objectContaining({ path: "sections.0.items.2.key", line: 19 })]);
  });

  it("the document's name must be the URL's", async () => {
    const p = await project();
    const error = await nothingSaved(p.slug, "other-name", async () =>
      expectApiError(await putTemplate(p.slug, "other-name", V1, p), 422, "validation_failed"),
    );
    expect(detailPaths(error)).toEqual(["name"]);
    expect(error.message).toContain("other-name");
    // Neither template got a version: not the URL's, not the document's.
    expect(await db().template.count({ where: { project: { slug: p.slug }, name: "other-name" } })).toBe(0);
    expect((await templateVersions(p.slug, NAME)).length).toBe(1);
  });

  it("more than 500 items is 422 and saves nothing; 500 items save, and a release is made from them", async () => {
    const p = await project();
    const many = (n: number) =>
      `name: big\nsections:\n  - title: Checks\n    phase: pre-deploy\n    items:\n${Array.from({ length: n }, (_, i) => `      - { key: c${i}, title: Check ${i}, kind: check, patterns: ["tests/c${i}/"] }\n`).join("")}`;
    const refused = await nothingSaved(p.slug, "big", () => putTemplate(p.slug, "big", many(501), p));
    const error = expectApiError(refused, 422, "validation_failed");
    expect(error.details?.[0]).toMatchObject({ path: "sections" });
    expect(error.details?.[0]?.message).toContain("at most 500 items; this one has 501");
    expect((await putTemplate(p.slug, "big", many(500), p)).status).toBe(201);
    const created = await api(`/api/v1/projects/${p.slug}/releases`, { token: p.token, json: { version: "v-big", commit: randomSha(), template: "big" } });
    expect(created.status).toBe(201);
    const gate = await api(`/api/v1/projects/${p.slug}/releases/v-big/gate?environment=staging`, { token: p.token });
    expect(gate.body.blocking).toHaveLength(500);
  });

  it("a body over 1 MB is 413", async () => {
    const p = await project();
    const padding = `# ${"x".repeat(120)}\n`.repeat(Math.ceil((1.2 * 1024 * 1024) / 123));
    const huge = `${V2}${padding}`;
    const response = await nothingSaved(p.slug, NAME, () =>
      send(templatePath(p.slug), { method: "PUT", token: p.token, headers: { "content-type": "application/yaml" }, body: huge }),
    );
    expectApiError(response, 413, "payload_too_large");
    // Sent without a Content-Length, it is refused all the same.
    const chunked = await send(templatePath(p.slug), { method: "PUT", token: p.token, headers: { "content-type": "application/yaml" }, body: huge, chunked: true });
    expectApiError(chunked, 413, "payload_too_large");
    expect((await templateVersions(p.slug, NAME)).length).toBe(1);
  });

  it("a YAML alias bomb is refused quickly, and so is any alias", async () => {
    const p = await project();
    const bomb = [
      `name: ${NAME}`,
      'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
      "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]",
      "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]",
      "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]",
      "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]",
      "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]",
      "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]",
      "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]",
      "sections: [*h,*h,*h,*h,*h,*h,*h,*h,*h]",
      "",
    ].join("\n");
    const started = Date.now();
    const error = await nothingSaved(p.slug, NAME, async () => expectApiError(await putTemplate(p.slug, NAME, bomb, p), 422, "validation_failed"));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(JSON.stringify(error.details)).toMatch(/alias/i);

    // One harmless alias (reusing a pattern list) is refused too: the rule has no threshold to game.
    const oneAlias = V1.replace('patterns: ["tests/smoke/*"]', 'patterns: &smoke ["tests/smoke/*"]').replace('check: "tests/smoke/*"', "check: *smoke");
    expectApiError(await putTemplate(p.slug, NAME, oneAlias, p), 422, "validation_failed");
  });

  it("a body that is not YAML or JSON by its Content-Type is 415; an empty one is 400", async () => {
    const p = await project();
    await nothingSaved(p.slug, NAME, async () => {
      for (const type of ["text/markdown", "text/html", "application/x-www-form-urlencoded", "application/xml"]) {
        expectApiError(await putTemplate(p.slug, NAME, V2, p, type), 415, "unsupported_media_type");
      }
      // No Content-Type at all.
      expectApiError(await send(templatePath(p.slug), { method: "PUT", token: p.token, body: V2 }), 415, "unsupported_media_type");
      expectApiError(await putTemplate(p.slug, NAME, "", p), 400, "bad_request");
      expectApiError(await putTemplate(p.slug, NAME, "  \n\n ", p), 400, "bad_request");
      // A scalar or a list is YAML, but not a template.
      expectApiError(await putTemplate(p.slug, NAME, "just words", p), 422, "validation_failed");
      expectApiError(await putTemplate(p.slug, NAME, "- a\n- b\n", p), 422, "validation_failed");
    });
  });
});

describe("who may read and save templates", () => {
  it("an engineer's session is 403 and a release manager's too; a project admin's is 201", async () => {
    const p = await project();
    const engineer = await person(p.slug, "engineer");
    const manager = await person(p.slug, "release-manager");
    const admin = await person(p.slug, "admin");
    await nothingSaved(p.slug, NAME, async () => {
      expectApiError(await putTemplate(p.slug, NAME, V2, engineer), 403, "forbidden");
      expectApiError(await putTemplate(p.slug, NAME, V2, manager), 403, "forbidden");
      // The import needs the same permission.
      expectApiError(await api(`${templatePath(p.slug)}/import?save=1`, { body: "# X\n\n- [ ] a\n", headers: { ...engineer.headers, "content-type": "text/markdown" } }), 403, "forbidden");
    });
    // Everyone in the project reads templates.
    expect((await api(templatePath(p.slug), { headers: { cookie: engineer.headers.cookie! } })).status).toBe(200);

    const saved = await putTemplate(p.slug, NAME, V2, admin);
    expect(saved.status).toBe(201);
    const event = await db().auditEvent.findFirstOrThrow({ where: { project: { slug: p.slug }, action: "template.version_created", actorUserId: admin.id } });
    expect(event.after).toMatchObject({ name: NAME, version: 2 });
  });

  it("a token without templates:write is 403 but reads templates with gate:read; one with it saves", async () => {
    const p = await project();
    const ci = await makeToken(p.slug, ["results:write", "releases:write", "gate:read"]);
    await nothingSaved(p.slug, NAME, async () => {
      expect(expectApiError(await putTemplate(p.slug, NAME, V2, { token: ci }), 403, "forbidden").message).toContain("templates:write");
    });
    const read = await api(templatePath(p.slug), { token: ci });
    expect(read.status).toBe(200);
    expect(read.body.versions).toHaveLength(1);

    const pusher = await makeToken(p.slug, ["templates:write"]);
    expect((await putTemplate(p.slug, NAME, V2, { token: pusher })).status).toBe(201);
    // templates:write alone does not read the gate or create releases.
    expectApiError(await api(`/api/v1/projects/${p.slug}/releases`, { token: pusher, json: { version: "v2.0.0", commit: randomSha(), template: NAME } }), 403, "forbidden");
  });

  it("another project's token gets 404, as does an unknown template", async () => {
    const p = await project();
    const other = await makeProject();
    await nothingSaved(p.slug, NAME, async () => {
      expectApiError(await putTemplate(p.slug, NAME, V2, { token: other.token }), 404, "not_found");
    });
    expectApiError(await api(templatePath(p.slug), { token: other.token }), 404, "not_found");
    expect(expectApiError(await api(templatePath(p.slug, "no-such-template"), { token: p.token }), 404, "not_found").message).toContain("no-such-template");
  });
});

describe("GET /api/v1/schemas/template.json", () => {
  it("is the template's JSON Schema, public, naming every field and operator", async () => {
    const response = await api("/api/v1/schemas/template.json");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/schema\+json/);
    const schema = response.body;
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema.type).toBe("object");
    expect(schema.required).toEqual(expect.arrayContaining(["name", "sections"]));
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(["name", "description", "sections", "guardedPaths", "rollback"]));
    expect(schema.additionalProperties).toBe(false);
    const text = JSON.stringify(schema);
    for (const word of ['"pre-deploy"', '"rollback"', '"check"', '"metric"', '"manual"', '"watch"', '">="', '"=="', '"release-manager"']) expect(text).toContain(word);
  });
});
