// The rules around sign-offs and the gate, over HTTP: evidence files (judged by content, served back
// only as downloads), optimistic concurrency by item version, rebuilds making sign-offs stale,
// administrators' overrides, project deploy locks, the gate badge and rollback decisions.
import { createHash, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { escapeXml } from "@/lib/badge/svg";
import { db } from "@/lib/db/client";
import { documentedResponse, type HttpMethod } from "@/lib/openapi/document";
import { auditEvents, releaseRow } from "../support/db-state";
import { detailPaths, expectApiError } from "../support/errors";
import { makeProject, makeToken, makeUser, randomSha, uniqueSuffix } from "../support/fixtures";
import { api, baseUrl, signIn, type ApiResponse } from "../support/http";
import { send } from "../support/raw";
import { person, type Person } from "../support/templates";

const TEMPLATE = `
name: signoff-rules
sections:
  - title: Pre-deploy checks
    phase: pre-deploy
    items:
      - key: smoke-tests
        title: Smoke tests pass
        kind: check
        patterns: ["tests/smoke/*"]
      - key: ws-evidence
        title: WebSocket events seen on staging
        kind: manual
        role: engineer
        evidence: required
      - key: release-approval
        title: Release manager approval
        kind: manual
        role: release-manager
  - title: Rollback criteria
    phase: rollback
    items:
      - key: rollback-smoke
        title: Smoke tests fail after deploy
        kind: watch
        check: "tests/smoke/*"
rollback:
  instructions: Roll back to the previous revision.
`;

type Project = Awaited<ReturnType<typeof makeProject>>;
const rules = () => makeProject({ template: TEMPLATE });
const base = (p: Project, version = p.version) => `/api/v1/projects/${p.slug}/releases/${encodeURIComponent(version)}`;

// A valid 1×1 PNG, and the starts of the other accepted types.
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from("JFIF\0"), randomBytes(64)]);
const PDF = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
const HAR = Buffer.from(JSON.stringify({ log: { version: "1.2", creator: { name: "Chrome" }, entries: [{ request: { url: "wss://staging.example/ws" } }] } }));
const JSON_FILE = Buffer.from(JSON.stringify({ events: ["agent_started", "agent_completed"] }));

type FilePart = { name: string; type: string; data: Buffer };

/** A multipart/form-data body built by hand, so a test controls every byte and part header. */
function multipart(fields: Record<string, string> | [string, string][], file?: FilePart) {
  const boundary = `----shipcheck-${uniqueSuffix()}${uniqueSuffix()}`;
  const chunks: Buffer[] = [];
  for (const [name, value] of Array.isArray(fields) ? fields : Object.entries(fields)) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  if (file) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`), file.data, Buffer.from("\r\n"));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), type: `multipart/form-data; boundary=${boundary}` };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyResponse = ApiResponse<any>;

function upload(p: Project, who: Person, item: string, fields: Record<string, string>, file?: FilePart, version = p.version): Promise<AnyResponse> {
  const { body, type } = multipart(fields, file);
  return send(`${base(p, version)}/items/${item}/signoffs`, { body, headers: { ...who.headers, "content-type": type } });
}

const signOff = (p: Project, who: Person, item: string, body: unknown = { environment: "staging" }, version = p.version): Promise<AnyResponse> =>
  api(`${base(p, version)}/items/${item}/signoffs`, { json: body, headers: who.headers });

const gate = async (p: Project, environment = "staging", version = p.version) => {
  const response = await api(`${base(p, version)}/gate?environment=${environment}`, { token: p.token });
  expect(response.status).toBe(200);
  return response.body as { open: boolean; overridden: boolean; blocking: { item: string; reason: string; detail: string }[] };
};

const state = async (p: Project, version = p.version) => (await api(base(p, version), { token: p.token })).body;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const itemOf = (release: any, key: string) => release.sections.flatMap((s: { items: unknown[] }) => s.items).find((i: { key: string }) => i.key === key);

/** The response body parses with the schema the OpenAPI document names for it. */
function documented(template: string, method: HttpMethod, response: AnyResponse) {
  const doc = documentedResponse(`/api/v1/projects/{project}${template}`, method, response.status);
  expect(doc, `${method} ${template} ${response.status} is documented`).not.toBeNull();
  const parsed = doc!.schema.safeParse(response.body);
  expect(parsed.success, JSON.stringify(parsed.error?.issues ?? [])).toBe(true);
  return response.body;
}

/** Rows a refused sign-off could have written. */
async function evidenceCounts(p: Project) {
  const { releaseId } = await releaseRow(p.slug, p.version);
  return {
    signOffs: await db().signOff.count({ where: { releaseId } }),
    evidence: await db().evidence.count({ where: { releaseId } }),
    audit: await db().auditEvent.count({ where: { releaseId } }),
    version: (await db().releaseItem.findMany({ where: { releaseId }, select: { version: true } })).reduce((a, i) => a + i.version, 0),
  };
}

async function download(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${baseUrl()}${path}`, { headers, redirect: "manual" });
  return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
}

/** Passing smoke results and both sign-offs: the staging gate opens. */
async function openStaging(p: Project, version = p.version) {
  const results = await api(`${base(p, version)}/results`, { token: p.token, json: { environment: "staging", results: [{ key: "tests/smoke/test_a.py::test_ok", status: "passed" }] } });
  expect(results.status).toBe(201);
  const manager = await person(p.slug, "release-manager");
  expect((await signOff(p, manager, "ws-evidence", { environment: "staging", evidenceUrl: "https://grafana.example/d/ws" }, version)).status).toBe(201);
  expect((await signOff(p, manager, "release-approval", { environment: "staging" }, version)).status).toBe(201);
  expect((await gate(p, "staging", version)).open).toBe(true);
  return manager;
}

describe("evidence on sign-offs", () => {
  it("each allowed type is 201, stored with its sha256, listed on the release, and served back only as an attachment", async () => {
    const p = await rules();
    const engineer = await person(p.slug, "engineer");
    const viewer = await person(p.slug, "viewer");
    const files: (FilePart & { expectType: string; expectName: string })[] = [
      { name: "ws-tab.png", type: "image/png", data: PNG, expectType: "image/png", expectName: "ws-tab.png" },
      { name: "photo.jpeg", type: "application/octet-stream", data: JPEG, expectType: "image/jpeg", expectName: "photo.jpeg" },
      { name: "report.pdf", type: "application/pdf", data: PDF, expectType: "application/pdf", expectName: "report.pdf" },
      { name: "staging.har", type: "application/json", data: HAR, expectType: "application/json", expectName: "staging.har" },
      // A client's wrong Content-Type and name change nothing: the content decides, the name gains its real extension.
      { name: "../../etc/events;final.txt", type: "text/html", data: JSON_FILE, expectType: "application/json", expectName: "events_final.txt.json" },
    ];
    for (const [i, file] of files.entries()) {
      const version = `v2.0.${i}`;
      expect((await api(`/api/v1/projects/${p.slug}/releases`, { token: p.token, json: { version, commit: randomSha(), template: p.template } })).status).toBe(201);
      const created = await upload(p, engineer, "ws-evidence", { environment: "staging", comment: `evidence ${i}` }, file, version);
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      documented("/releases/{version}/items/{itemKey}/signoffs", "post", created);
      const sha256 = createHash("sha256").update(file.data).digest("hex");
      expect(created.body.evidence).toMatchObject({ filename: file.expectName, contentType: file.expectType, size: file.data.length, sha256 });
      const row = await db().evidence.findUniqueOrThrow({ where: { id: created.body.evidence.id } });
      expect({ sha256: row.sha256, size: row.size, uploadedBy: row.uploadedBy }).toEqual({ sha256, size: file.data.length, uploadedBy: engineer.email });
      expect(Buffer.from(row.data).equals(file.data)).toBe(true);
      expect((await db().signOff.findUniqueOrThrow({ where: { id: created.body.id } })).evidenceId).toBe(row.id);
      const [event] = await auditEvents(p.slug, version, "signoff.created");
      expect(event?.after).toMatchObject({ evidence: { id: row.id, sha256 } });

      const signOffs = itemOf(await state(p, version), "ws-evidence").environments.staging.signOffs;
      expect(signOffs).toEqual([expect.objectContaining({ id: created.body.id, evidenceUrl: null, evidence: { id: row.id, filename: file.expectName, contentType: file.expectType, size: file.data.length, sha256 } })]);

      const path = `${base(p, version)}/evidence/${row.id}`;
      for (const headers of [viewer.headers, { authorization: `Bearer ${p.token}` }]) {
        const served = await download(path, headers);
        expect(served.status).toBe(200);
        expect(served.bytes.equals(file.data)).toBe(true);
        expect(served.headers.get("content-type")).toBe(file.expectType);
        expect(served.headers.get("content-disposition")).toMatch(new RegExp(`^attachment; filename="${file.expectName.replace(/[.()]/g, "\\$&")}"`));
        expect(served.headers.get("x-content-type-options")).toMatch(/^nosniff/);
        expect(served.headers.get("content-security-policy")).toBe("default-src 'none'; sandbox");
      }
    }
  });

  it("evidence is served to readers of the project only", async () => {
    const p = await rules();
    const engineer = await person(p.slug, "engineer");
    const created = await upload(p, engineer, "ws-evidence", { environment: "staging" }, { name: "shot.png", type: "image/png", data: PNG });
    expect(created.status).toBe(201);
    const path = `${base(p)}/evidence/${created.body.evidence.id}`;
    expect((await download(path)).status).toBe(401);
    const other = await makeProject();
    expect((await download(path, { authorization: `Bearer ${other.token}` })).status).toBe(404);
    const outsider = await makeUser(other.slug, "admin");
    expect((await download(path, { cookie: await signIn(outsider.email, outsider.password) })).status).toBe(404);
    expect((await download(path, { authorization: `Bearer ${await makeToken(p.slug, ["results:write"])}` })).status).toBe(403);
    // Another release's id, a malformed id, an unknown one: 404.
    await api(`/api/v1/projects/${p.slug}/releases`, { token: p.token, json: { version: "v3.0.0", commit: randomSha(), template: p.template } });
    for (const wrong of [`${base(p, "v3.0.0")}/evidence/${created.body.evidence.id}`, `${base(p)}/evidence/nope`, `${base(p)}/evidence/00000000-0000-4000-8000-000000000000`]) {
      expect((await download(wrong, { authorization: `Bearer ${p.token}` })).status).toBe(404);
    }
  });

  it("HTML, SVG and an executable disguised as PNG are refused (415), a fake HAR is 422, nothing is stored", async () => {
    const p = await rules();
    const engineer = await person(p.slug, "engineer");
    const before = await evidenceCounts(p);
    const disguised: FilePart[] = [
      { name: "screenshot.png", type: "image/png", data: Buffer.from("<!doctype html><html><body><script>alert(document.cookie)</script></body></html>") },
      { name: "screenshot.png", type: "image/png", data: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>') },
      { name: "screenshot.png", type: "image/png", data: Buffer.concat([Buffer.from("MZ"), Buffer.from([0x90, 0x00, 0x03, 0x00]), randomBytes(256)]) },
      { name: "screenshot.png", type: "image/png", data: Buffer.from("GIF89a\x01\x00\x01\x00") },
    ];
    for (const file of disguised) {
      const refused = await upload(p, engineer, "ws-evidence", { environment: "staging" }, file);
      expect(expectApiError(refused, 415, "unsupported_media_type").message).toMatch(/PNG, JPEG, PDF, HAR or JSON/);
    }
    const fakeHar = await upload(p, engineer, "ws-evidence", { environment: "staging" }, { name: "capture.har", type: "application/json", data: Buffer.from('{"log":{"pages":[]}}') });
    expect(detailPaths(expectApiError(fakeHar, 422, "validation_failed"))).toEqual(["file"]);
    const empty = await upload(p, engineer, "ws-evidence", { environment: "staging" }, { name: "empty.png", type: "image/png", data: Buffer.alloc(0) });
    expect(empty.status).toBe(422);
    expect(await evidenceCounts(p)).toEqual(before);
  });

  it("a file over 10 MB is 413 and nothing is stored; exactly 10 MB is accepted", async () => {
    const p = await rules();
    const engineer = await person(p.slug, "engineer");
    const before = await evidenceCounts(p);
    const big = Buffer.alloc(10 * 1024 * 1024 + 1, 0x41);
    PNG.copy(big);
    expectApiError(await upload(p, engineer, "ws-evidence", { environment: "staging" }, { name: "huge.png", type: "image/png", data: big }), 413, "payload_too_large");
    expect(await evidenceCounts(p)).toEqual(before);
    const exact = big.subarray(0, 10 * 1024 * 1024);
    const accepted = await upload(p, engineer, "ws-evidence", { environment: "staging" }, { name: "exact.png", type: "image/png", data: exact });
    expect(accepted.status).toBe(201);
    expect(accepted.body.evidence.size).toBe(10 * 1024 * 1024);
  });

  it("an item with evidence: required refuses a sign-off without a link or file (422), even with a comment", async () => {
    const p = await rules();
    const engineer = await person(p.slug, "engineer");
    const before = await evidenceCounts(p);
    for (const body of [{ environment: "staging" }, { environment: "staging", comment: "I looked, trust me" }, { environment: "staging", evidenceUrl: "  " }]) {
      const refused = await signOff(p, engineer, "ws-evidence", body);
      expect(expectApiError(refused, 422, "validation_failed").message).toContain("needs evidence");
    }
    expect((await upload(p, engineer, "ws-evidence", { environment: "staging", comment: "no file" })).status).toBe(422);
    expect(await evidenceCounts(p)).toEqual(before);

    const linked = await signOff(p, engineer, "ws-evidence", { environment: "staging", evidenceUrl: "https://grafana.example/d/ws?from=now-1h" });
    expect(linked.status).toBe(201);
    expect(linked.body).toMatchObject({ evidenceUrl: "https://grafana.example/d/ws?from=now-1h", evidence: null });
    expect(itemOf(await state(p), "ws-evidence").evidence).toBe("required");
  });

  it("links are http or https only", async () => {
    const p = await rules();
    const manager = await person(p.slug, "release-manager");
    const before = await evidenceCounts(p);
    for (const evidenceUrl of ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "ftp://files.example/x.png", "file:///etc/passwd", "not a url"]) {
      const refused = expectApiError(await signOff(p, manager, "release-approval", { environment: "staging", evidenceUrl }), 422, "validation_failed");
      expect([...new Set(detailPaths(refused))]).toEqual(["evidenceUrl"]);
      expect((await upload(p, manager, "release-approval", { environment: "staging", evidenceUrl })).status).toBe(422);
    }
    expect(await evidenceCounts(p)).toEqual(before);
  });

  it("multipart forms are checked like JSON: unknown fields 422, duplicate fields 422, text where the file goes 422", async () => {
    const p = await rules();
    const manager = await person(p.slug, "release-manager");
    const before = await evidenceCounts(p);
    expect((await upload(p, manager, "release-approval", { environment: "staging", approved: "yes" })).status).toBe(422);
    expect((await upload(p, manager, "release-approval", { file: "not a file", environment: "staging" })).status).toBe(422);
    expect((await upload(p, manager, "release-approval", { environment: "staging", expectedVersion: "one" })).status).toBe(422);
    const doubled = multipart([
      ["environment", "staging"],
      ["environment", "production"],
    ]);
    expect((await send(`${base(p)}/items/release-approval/signoffs`, { body: doubled.body, headers: { ...manager.headers, "content-type": doubled.type } })).status).toBe(422);
    expect((await send(`${base(p)}/items/release-approval/signoffs`, { body: "environment=staging", headers: { ...manager.headers, "content-type": "application/x-www-form-urlencoded" } })).status).toBe(415);
    expect(await evidenceCounts(p)).toEqual(before);
    // Without a file, a form signs off like JSON.
    const plain = await upload(p, manager, "release-approval", { environment: "staging", comment: "notes checked", expectedVersion: "0" });
    expect(plain.status).toBe(201);
    expect(plain.body).toMatchObject({ itemVersion: 1, evidence: null, evidenceUrl: null });
  });
});

describe("concurrency by item version", () => {
  it("20 simultaneous sign-offs by 20 release managers (approvals 1): exactly one 201, nineteen 409, one row, one audit event", async () => {
    const p = await rules();
    const managers: Person[] = [];
    for (let i = 0; i < 20; i++) managers.push(await person(p.slug, "release-manager"));
    const responses = await Promise.all(managers.map((m) => signOff(p, m, "release-approval", { environment: "staging", comment: `mine (${m.email})` })));
    expect(responses.map((r) => r.status).sort()).toEqual([201, ...Array(19).fill(409)]);
    const winner = responses.find((r) => r.status === 201)!;
    const winnerEmail = managers[responses.indexOf(winner)]!.email;
    for (const r of responses.filter((r) => r.status === 409)) {
      expect(expectApiError(r, 409, "conflict").message).toMatch(/already signed off by .*release-manager/);
    }
    const { releaseId } = await releaseRow(p.slug, p.version);
    const rows = await db().signOff.findMany({ where: { releaseId, item: { key: "release-approval" } }, include: { user: true } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.user.email).toBe(winnerEmail);
    expect(await db().auditEvent.count({ where: { releaseId, action: "signoff.created" } })).toBe(1);
    expect(itemOf(await state(p), "release-approval").version).toBe(1);
  });

  it("the same race with everyone sending the version they saw: one 201, the rest 409 'someone signed off … since you loaded the page'", async () => {
    const p = await rules();
    const managers: Person[] = [];
    for (let i = 0; i < 8; i++) managers.push(await person(p.slug, "release-manager"));
    const seen = itemOf(await state(p), "release-approval").version;
    expect(seen).toBe(0);
    const responses = await Promise.all(managers.map((m) => signOff(p, m, "release-approval", { environment: "staging", expectedVersion: seen })));
    expect(responses.map((r) => r.status).sort()).toEqual([201, ...Array(7).fill(409)]);
    for (const r of responses.filter((r) => r.status === 409)) {
      expect(expectApiError(r, 409, "conflict").message).toBe("someone signed off or revoked this item since you loaded the page");
    }
  });

  it("a stale expectedVersion is 409 and changes nothing; revocation bumps the version too", async () => {
    const p = await rules();
    const first = await person(p.slug, "release-manager");
    const second = await person(p.slug, "release-manager");
    const signed = await signOff(p, first, "release-approval", { environment: "staging", expectedVersion: 0 });
    expect(signed.status).toBe(201);
    expect(signed.body.itemVersion).toBe(1);
    expect(itemOf(await state(p), "release-approval").version).toBe(1);

    const revoked = await api(`${base(p)}/signoffs/${signed.body.id}/revoke`, { json: { reason: "wrong build" }, headers: first.headers });
    expect(revoked.status).toBe(200);
    expect(itemOf(await state(p), "release-approval").version).toBe(2);

    const before = await evidenceCounts(p);
    for (const expectedVersion of [0, 1, 3]) {
      const stale = await signOff(p, second, "release-approval", { environment: "staging", expectedVersion });
      expect(expectApiError(stale, 409, "conflict").message).toBe("someone signed off or revoked this item since you loaded the page");
    }
    expect(await evidenceCounts(p)).toEqual(before);
    const current = await signOff(p, second, "release-approval", { environment: "staging", expectedVersion: 2 });
    expect(current.status).toBe(201);
    expect(current.body.itemVersion).toBe(3);
    expect(expectApiError(await signOff(p, second, "release-approval", { environment: "staging", expectedVersion: -1 }), 422, "validation_failed")).toBeTruthy();
  });
});

describe("commit binding (PATCH a release's commit)", () => {
  it("makes earlier sign-offs stale and results for the old commit stop counting: the gate closes with reason stale", async () => {
    const p = await rules();
    await openStaging(p);
    const engineer = await person(p.slug, "engineer");
    const manager = await person(p.slug, "release-manager");
    const newCommit = randomSha();
    const patch = (body: unknown, who: Person = manager) => api(base(p), { method: "PATCH", json: body, headers: who.headers });

    expectApiError(await patch({ commit: newCommit }, engineer), 403, "forbidden");
    expect(detailPaths(expectApiError(await patch({ commit: "not-a-sha" }), 422, "validation_failed"))).toEqual(["commit"]);
    expect(expectApiError(await patch({ commit: newCommit, status: "ready" }), 422, "validation_failed")).toBeTruthy();
    expect((await gate(p)).open).toBe(true);

    const updated = await patch({ commit: newCommit.toUpperCase() });
    expect(updated.status).toBe(200);
    documented("/releases/{version}", "patch", updated);
    expect(updated.body).toMatchObject({ version: p.version, commit: newCommit, previousCommit: p.commit, changed: true, staleSignOffs: 2 });

    const closed = await gate(p);
    expect(closed.open).toBe(false);
    expect(closed.blocking).toEqual([
      { item: "smoke-tests", title: "Smoke tests pass", reason: "stale", detail: `tested on ${p.commit.slice(0, 7)}, release is now ${newCommit.slice(0, 7)}` },
      { item: "ws-evidence", title: "WebSocket events seen on staging", reason: "stale", detail: `signed for ${p.commit.slice(0, 7)}, release is now ${newCommit.slice(0, 7)}` },
      { item: "release-approval", title: "Release manager approval", reason: "stale", detail: `signed for ${p.commit.slice(0, 7)}, release is now ${newCommit.slice(0, 7)}` },
    ]);
    const release = await state(p);
    expect(release.release.commitSha).toBe(newCommit);
    expect(itemOf(release, "release-approval").environments.staging.signOffs).toEqual([expect.objectContaining({ stale: true, commitSha: p.commit, revokedAt: null })]);

    const [event] = await auditEvents(p.slug, p.version, "release.commit_changed");
    expect(event).toMatchObject({ before: { commit: p.commit }, after: expect.objectContaining({ commit: newCommit }) });

    // The same commit again (or a prefix of it) changes nothing and records nothing.
    const same = await patch({ commit: newCommit.slice(0, 10) });
    expect(same.body).toMatchObject({ changed: false, commit: newCommit });
    expect(await auditEvents(p.slug, p.version, "release.commit_changed")).toHaveLength(1);

    // Signing the new commit counts again.
    expect((await signOff(p, manager, "release-approval")).status).toBe(201);
    expect((await gate(p)).blocking.map((b) => b.item)).toEqual(["smoke-tests", "ws-evidence"]);
    // A CI token with releases:write may rebuild too.
    expect((await api(base(p), { method: "PATCH", token: p.token, json: { commit: randomSha() } })).status).toBe(200);
  });
});

describe("gate overrides", () => {
  it("admin 201 (release manager 403, token 403, short reason 422): the gate opens with overridden true, loudly; lifted by DELETE or POST …/lift", async () => {
    const p = await rules();
    const admin = await person(p.slug, "admin");
    const manager = await person(p.slug, "release-manager");
    const override = (who: Person | { token: string }, body: unknown) =>
      api(`${base(p)}/overrides`, { json: body, ...("token" in who ? { token: who.token } : { headers: who.headers }) });
    const reason = "hotfix for the outage, smoke suite is down";

    expectApiError(await override(manager, { environment: "staging", reason }), 403, "forbidden");
    expectApiError(await override({ token: p.token }, { environment: "staging", reason }), 403, "forbidden");
    for (const bad of [{ environment: "staging", reason: "" }, { environment: "staging", reason: "   too short  " }, { environment: "staging" }, { environment: "qa", reason }]) {
      expectApiError(await override(admin, bad), 422, "validation_failed");
    }
    expect(await db().gateOverride.count({ where: { releaseId: (await releaseRow(p.slug, p.version)).releaseId } })).toBe(0);

    const created = await override(admin, { environment: "staging", reason: `  ${reason}  ` });
    expect(created.status).toBe(201);
    documented("/releases/{version}/overrides", "post", created);
    expect(created.body).toMatchObject({ environment: "staging", reason, by: admin.email, liftedAt: null });
    expect(created.body.blocking.map((b: { item: string }) => b.item)).toEqual(["smoke-tests", "ws-evidence", "release-approval"]);

    const opened = await gate(p);
    expect(opened).toMatchObject({ open: true, overridden: true });
    expect(opened.blocking).toHaveLength(3);
    const release = await state(p);
    expect(release.gates.staging.override).toEqual({ environment: "staging", reason, by: admin.email });
    expect(release.overrides).toEqual([expect.objectContaining({ id: created.body.id, environment: "staging", liftedAt: null })]);
    const badge = await api(`${base(p)}/badge.svg?environment=staging`, { token: p.token });
    expect(badge.body).toContain(">overridden</text>");
    const [event] = await auditEvents(p.slug, p.version, "gate.overridden");
    expect(event).toMatchObject({ actorUserId: admin.id, targetId: "staging", after: expect.objectContaining({ reason, overridden: true }) });
    // Production needs staging's checklist met: an override of staging opens staging only.
    expect((await gate(p, "production")).blocking).toContainEqual(expect.objectContaining({ reason: "previous-environment", detail: expect.stringContaining("staging was opened by an override, not by its checklist") }));

    expectApiError(await override(admin, { environment: "staging", reason }), 409, "conflict");
    // A deploy through an overridden gate is marked as such.
    const deployed = await api(`${base(p)}/deployments`, { token: p.token, json: { environment: "staging" } });
    expect(deployed.body).toMatchObject({ overridden: true });

    const lifted = await api(`${base(p)}/overrides/${created.body.id}`, { method: "DELETE", headers: admin.headers });
    expect(lifted.status).toBe(200);
    documented("/releases/{version}/overrides/{overrideId}", "delete", lifted);
    expect(lifted.body).toMatchObject({ id: created.body.id, liftedBy: admin.email });
    expect(await gate(p)).toMatchObject({ open: false, overridden: false });
    expectApiError(await api(`${base(p)}/overrides/${created.body.id}/lift`, { method: "POST", headers: admin.headers }), 409, "conflict");
    expect(await auditEvents(p.slug, p.version, "gate.override_lifted")).toHaveLength(1);

    // Again, lifted through POST …/lift; a release manager may not lift.
    const again = await override(admin, { environment: "staging", reason: "second hotfix, same outage" });
    expectApiError(await api(`${base(p)}/overrides/${again.body.id}/lift`, { method: "POST", headers: manager.headers }), 403, "forbidden");
    const liftedByPost = await api(`${base(p)}/overrides/${again.body.id}/lift`, { method: "POST", headers: admin.headers });
    expect(liftedByPost.status).toBe(200);
    expectApiError(await api(`${base(p)}/overrides/00000000-0000-4000-8000-000000000000`, { method: "DELETE", headers: admin.headers }), 404, "not_found");
    expect((await state(p)).overrides.map((o: { liftedBy: string }) => o.liftedBy)).toEqual([admin.email, admin.email]);
  });

  it("an open gate has nothing to override (409); a rebuild lifts overrides", async () => {
    const p = await rules();
    await openStaging(p);
    const admin = await person(p.slug, "admin");
    expect(expectApiError(await api(`${base(p)}/overrides`, { json: { environment: "staging", reason: "just to be sure, really" }, headers: admin.headers }), 409, "conflict").message).toContain("nothing to override");
    const production = await api(`${base(p)}/overrides`, { json: { environment: "production", reason: "production checks run after deploy" }, headers: admin.headers });
    expect(production.status).toBe(201);
    const rebuilt = await api(base(p), { method: "PATCH", token: p.token, json: { commit: randomSha() } });
    expect(rebuilt.body.liftedOverrides).toBe(1);
    expect((await gate(p, "production")).overridden).toBe(false);
  });
});

describe("project deploy lock", () => {
  it("closes every gate of every release with reason locked; an override does not open it; unlock reopens", async () => {
    const p = await rules();
    await openStaging(p);
    const other = "v9.1.0";
    expect((await api(`/api/v1/projects/${p.slug}/releases`, { token: p.token, json: { version: other, commit: randomSha(), template: p.template } })).status).toBe(201);
    await openStaging(p, other);
    const manager = await person(p.slug, "release-manager");
    const engineer = await person(p.slug, "engineer");
    const admin = await person(p.slug, "admin");
    const lockUrl = `/api/v1/projects/${p.slug}/lock`;

    expectApiError(await api(lockUrl, { json: { reason: "incident 4711" }, headers: engineer.headers }), 403, "forbidden");
    expectApiError(await api(lockUrl, { json: { reason: "" }, headers: manager.headers }), 422, "validation_failed");
    expectApiError(await api(lockUrl, { method: "DELETE", headers: manager.headers }), 409, "conflict");

    const locked = await api(lockUrl, { json: { reason: "incident 4711: payments degraded" }, headers: manager.headers });
    expect(locked.status).toBe(201);
    expect(documented("/lock", "post", locked)).toMatchObject({ project: p.slug, locked: true, lock: { reason: "incident 4711: payments degraded", by: manager.email } });
    expectApiError(await api(lockUrl, { json: { reason: "another one" }, headers: manager.headers }), 409, "conflict");

    for (const version of [p.version, other]) {
      for (const environment of ["staging", "production"]) {
        const closed = await gate(p, environment, version);
        expect(closed.open).toBe(false);
        expect(closed.blocking[0]).toEqual({ item: "project-lock", title: "Project deploy lock", reason: "locked", detail: `locked by ${manager.email}: incident 4711: payments degraded` });
      }
    }
    expect((await state(p)).lock).toMatchObject({ reason: "incident 4711: payments degraded", by: manager.email });
    expect(expectApiError(await api(`${base(p)}/deployments`, { token: p.token, json: { environment: "staging" } }), 409, "conflict").message).toContain("Project deploy lock");
    expectApiError(await api(`${base(p)}/overrides`, { json: { environment: "staging", reason: "we need to ship the fix now" }, headers: admin.headers }), 409, "conflict");
    const project = await db().project.findUniqueOrThrow({ where: { slug: p.slug } });
    expect(await db().auditEvent.count({ where: { projectId: project.id, releaseId: null, action: "project.locked" } })).toBe(1);

    // A CI token with releases:write may unlock (the CD pipeline's "incident over" step).
    const unlocked = await api(lockUrl, { method: "DELETE", token: p.token });
    expect(unlocked.status).toBe(200);
    expect(documented("/lock", "delete", unlocked)).toEqual({ project: p.slug, locked: false, lock: null });
    expect((await gate(p)).open).toBe(true);
    expect((await gate(p, "staging", other)).open).toBe(true);
    expect((await state(p)).lock).toBeNull();
    expect(await db().auditEvent.count({ where: { projectId: project.id, releaseId: null, action: "project.unlocked" } })).toBe(1);
  });
});

describe("gate badge", () => {
  it("open (green), blocked (n) (red), overridden (amber); escaped; no-store; same read permission as the gate", async () => {
    const p = await rules();
    const badge = (environment: string, auth: { token?: string; headers?: Record<string, string> } = { token: p.token }) => api(`${base(p)}/badge.svg?environment=${environment}`, auth);
    const expectBadge = (response: AnyResponse, message: string, color: string) => {
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("image/svg+xml; charset=utf-8");
      expect(response.headers.get("cache-control")).toBe("no-store");
      const svg = response.body as string;
      expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="\d+" height="20" role="img"/);
      expect(svg).toContain(`>gate</text>`);
      expect(svg).toContain(`>${escapeXml(message)}</text>`);
      expect(svg).toContain(`<title>${escapeXml(`${p.version} staging gate: ${message}`)}</title>`);
      expect(svg).toContain(`fill="${color}"`);
      expect(svg).not.toMatch(/<script|on\w+=|href=/i);
    };
    expectBadge(await badge("staging"), "blocked (3)", "#c62828");

    const admin = await person(p.slug, "admin");
    const override = await api(`${base(p)}/overrides`, { json: { environment: "staging", reason: "smoke suite broken, fix verified by hand" }, headers: admin.headers });
    expectBadge(await badge("staging"), "overridden", "#b26a00");
    await api(`${base(p)}/overrides/${override.body.id}`, { method: "DELETE", headers: admin.headers });

    await openStaging(p);
    expectBadge(await badge("staging", { headers: { cookie: (await person(p.slug, "viewer")).headers.cookie! } }), "open", "#2e7d32");

    expectApiError(await badge("staging", {}), 401, "unauthorized");
    expectApiError(await badge("staging", { token: await makeToken(p.slug, ["results:write"]) }), 403, "forbidden");
    expectApiError(await badge("staging", { token: (await makeProject()).token }), 404, "not_found");
    expectApiError(await api(`${base(p)}/badge.svg`, { token: p.token }), 400, "bad_request");
    expectApiError(await badge("qa"), 422, "validation_failed");
  });
});

describe("rollback decisions", () => {
  it("after a deploy and a tripped criterion: keep or rolled back (to an existing release), with the rules enforced", async () => {
    const p = await rules();
    expect((await api(`/api/v1/projects/${p.slug}/releases`, { token: p.token, json: { version: "v0.9.0", commit: randomSha(), template: p.template } })).status).toBe(201);
    const manager = await openStaging(p);
    const engineer = await person(p.slug, "engineer");
    const decide = (body: unknown, who: Person | { token: string } = manager) =>
      api(`${base(p)}/rollback-decisions`, { json: body, ...("token" in who ? { token: who.token } : { headers: who.headers }) });

    // Not deployed yet: nothing to decide.
    expectApiError(await decide({ environment: "staging", decision: "keep", reason: "looks fine" }), 409, "conflict");
    expect((await api(`${base(p)}/deployments`, { token: p.token, json: { environment: "staging" } })).status).toBe(201);
    await api(`${base(p)}/results`, {
      token: p.token,
      json: { environment: "staging", run: { startedAt: new Date(Date.now() + 1000).toISOString() }, results: [{ key: "tests/smoke/test_a.py::test_ok", status: "failed", message: "503 from /health" }] },
    });
    expect((await state(p)).rollback.staging).toMatchObject({ recommended: true });

    const before = await db().rollbackDecision.count();
    expectApiError(await decide({ environment: "staging", decision: "keep", reason: "flaky health check" }, engineer), 403, "forbidden");
    expect(detailPaths(expectApiError(await decide({ environment: "staging", decision: "rolled_back", reason: "503s" }), 422, "validation_failed"))).toEqual(["toVersion"]);
    expect(detailPaths(expectApiError(await decide({ environment: "staging", decision: "keep", toVersion: "v0.9.0", reason: "fine" }), 422, "validation_failed"))).toEqual(["toVersion"]);
    expect(detailPaths(expectApiError(await decide({ environment: "staging", decision: "rolled_back", toVersion: "v0.0.1", reason: "503s" }), 422, "validation_failed"))).toEqual(["toVersion"]);
    expect(detailPaths(expectApiError(await decide({ environment: "staging", decision: "rolled_back", toVersion: p.version, reason: "503s" }), 422, "validation_failed"))).toEqual(["toVersion"]);
    expect(detailPaths(expectApiError(await decide({ environment: "staging", decision: "keep", reason: " " }), 422, "validation_failed"))).toEqual(["reason"]);
    expect(detailPaths(expectApiError(await decide({ environment: "staging", decision: "revert", reason: "503s" }), 422, "validation_failed"))).toEqual(["decision"]);
    expectApiError(await decide({ environment: "qa", decision: "keep", reason: "fine" }), 422, "validation_failed");
    expectApiError(await decide({ environment: "production", decision: "keep", reason: "fine" }), 409, "conflict");
    expect(await db().rollbackDecision.count()).toBe(before);

    const kept = await decide({ environment: "staging", decision: "keep", reason: "the health check is flaky; traffic is fine" });
    expect(kept.status).toBe(201);
    expect(documented("/releases/{version}/rollback-decisions", "post", kept)).toMatchObject({ decision: "keep", toVersion: null, by: manager.email, status: "deployed" });
    let release = await state(p);
    expect(release.rollback.staging).toMatchObject({ recommended: false, decision: { decision: "keep", reason: "the health check is flaky; traffic is fine", by: manager.email } });
    expect(release.rollback.staging.reasons).toHaveLength(1);
    expect(release.rollbackTargets).toEqual(["v0.9.0"]);
    expect(await auditEvents(p.slug, p.version, "rollback.kept")).toHaveLength(1);

    // Later: it does get rolled back after all, by the CD pipeline.
    const rolledBack = await decide({ environment: "staging", decision: "rolled_back", toVersion: "v0.9.0", reason: "error rate rose after all" }, { token: p.token });
    expect(rolledBack.status).toBe(201);
    expect(rolledBack.body).toMatchObject({ decision: "rolled_back", toVersion: "v0.9.0", status: "rolled_back" });
    release = await state(p);
    expect(release.release.status).toBe("rolled_back");
    expect(release.rollback.staging.decision).toMatchObject({ decision: "rolled_back", toVersion: "v0.9.0" });
    expect(release.rollbackDecisions.map((d: { decision: string }) => d.decision)).toEqual(["rolled_back", "keep"]);
    const target = await releaseRow(p.slug, "v0.9.0");
    expect(await db().deployment.count({ where: { releaseId: target.releaseId, environment: "staging" } })).toBe(1);
    const [event] = await auditEvents(p.slug, p.version, "rollback.rolled_back");
    expect(event).toMatchObject({ before: { status: "deployed" }, after: expect.objectContaining({ toVersion: "v0.9.0", status: "rolled_back" }) });

    // A fresh deploy (once the smoke tests pass again) is a fresh question: the old decision no longer covers it.
    await api(`${base(p)}/results`, {
      token: p.token,
      json: { environment: "staging", run: { startedAt: new Date(Date.now() + 2000).toISOString() }, results: [{ key: "tests/smoke/test_a.py::test_ok", status: "passed" }] },
    });
    expect((await api(`${base(p)}/deployments`, { token: p.token, json: { environment: "staging" } })).status).toBe(201);
    expect((await state(p)).rollback.staging.decision).toBeUndefined();
  });
});
