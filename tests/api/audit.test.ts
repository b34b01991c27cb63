// The audit trail over HTTP: every write appends one event chained to the one before it, the
// database itself refuses to change or remove events, the evidence pack carries the chain, and
// `shipcheck verify` (the real CLI) tells an untouched pack from an edited one.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { eventHash } from "@/lib/audit/chain";
import { auditTrailSchema, evidencePackSchema, type AuditEventRecord, type AuditTrail, type EvidencePack } from "@/lib/audit/pack";
import { db } from "@/lib/db/client";
import { releaseRow } from "../support/db-state";
import { expectApiError } from "../support/errors";
import { makeProject, makeToken, makeUser, uniqueSuffix } from "../support/fixtures";
import { api, baseUrl, signIn } from "../support/http";

type Project = Awaited<ReturnType<typeof makeProject>>;
type Run = { code: number; stdout: string; stderr: string };

const base = (p: Project) => `/api/v1/projects/${p.slug}/releases/${p.version}`;

async function person(p: Project, role: Parameters<typeof makeUser>[1]) {
  const user = await makeUser(p.slug, role);
  const cookie = await signIn(user.email, user.password);
  return { ...user, headers: { cookie, origin: baseUrl() } };
}

const trail = async (p: Project, auth: { token?: string; headers?: Record<string, string> } = { token: p.token }) => {
  const response = await api<AuditTrail>(`${base(p)}/audit`, auth);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  expect(response.headers.get("cache-control")).toBe("no-store");
  // Exactly the documented shape (strict: no undocumented field).
  return auditTrailSchema.parse(response.body);
};

/**
 * A project with CI results, a sign-off, a metric, a deploy to staging and a revoked sign-off of
 * the item done on staging after that deploy: one of each kind of write.
 */
async function busyProject() {
  const p = await makeProject();
  const manager = await person(p, "release-manager");
  const results = await api(`${base(p)}/results`, {
    token: p.token,
    json: { environment: "staging", commit: p.commit, run: { id: "run-41" }, results: [{ key: "tests/smoke/test_api.py::test_health", status: "passed", durationMs: 41 }] },
  });
  expect(results.status).toBe(201);
  const signed = await api(`${base(p)}/items/release-approval/signoffs`, { json: { environment: "staging", comment: "notes, plan and rota checked" }, headers: manager.headers });
  expect(signed.status, JSON.stringify(signed.body)).toBe(201);
  const metric = await api(`${base(p)}/metrics`, { token: p.token, json: { environment: "staging", metrics: [{ name: "events_per_sec", value: 812, unit: "events/s" }] } });
  expect(metric.status, JSON.stringify(metric.body)).toBe(201);
  const deployed = await api(`${base(p)}/deployments`, { token: p.token, json: { environment: "staging" } });
  expect(deployed.status, JSON.stringify(deployed.body)).toBe(201);
  const engineerSigned = await api(`${base(p)}/items/staging-ws-events/signoffs`, { json: { environment: "staging" }, headers: manager.headers });
  expect(engineerSigned.status, JSON.stringify(engineerSigned.body)).toBe(201);
  const revoked = await api(`${base(p)}/signoffs/${engineerSigned.body.id}/revoke`, { json: { reason: "signed the wrong build" }, headers: manager.headers });
  expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
  return { p, manager, signOffId: signed.body.id as string, revokedId: engineerSigned.body.id as string };
}

function shipcheck(args: string[]): Promise<Run> {
  // A clean environment: verifying a pack needs no server, token or database.
  const env: Record<string, string | undefined> = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1" };
  return new Promise((resolve) => {
    execFile(process.execPath, ["bin/shipcheck.mjs", ...args], { cwd: process.cwd(), env: env as NodeJS.ProcessEnv, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "shipcheck-audit-"));
});

async function file(name: string, content: string): Promise<string> {
  const full = path.join(dir, `${uniqueSuffix()}-${name}`);
  await writeFile(full, content);
  return full;
}

describe("the audit trail", () => {
  it("every write leaves one event, chained to the one before it; the endpoint says the chain is intact", async () => {
    const { p, manager, signOffId, revokedId } = await busyProject();
    const body = await trail(p);
    expect(body.project).toBe(p.slug);
    expect(body.release).toBe(p.version);
    expect(body.events.map((e) => e.action)).toEqual(["release.created", "results.recorded", "signoff.created", "metrics.recorded", "deployment.recorded", "signoff.created", "signoff.revoked"]);
    // Intact, and signed: the reader signed the head if no writer had yet.
    expect(body.chain).toMatchObject({ ok: true, events: 7, signedEvents: 7 });
    expect(body.chain.checkpoints).toBe(body.checkpoints.length);
    expect(body.checkpoints.at(-1)).toMatchObject({ chain: `release:${(await releaseRow(p.slug, p.version)).releaseId}`, events: 7, headId: body.events[6]!.id, headHash: body.events[6]!.hash, keyId: body.signingKey.keyId });

    // Each event links to the hash of the one before it, and its hash covers its content.
    let previous: string | null = null;
    for (const event of body.events) {
      expect(event.prevHash).toBe(previous);
      expect(event.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(event.hash).toBe(eventHash(event.prevHash, event));
      previous = event.hash;
    }
    // Ids are strings (64-bit sequence), increasing.
    const ids = body.events.map((e) => BigInt(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => (a < b ? -1 : 1)));

    const [created, results, signed, metrics, deployed, , revoked] = body.events;
    expect(created).toMatchObject({ actorLabel: "test-fixture", targetType: "release", summary: expect.stringMatching(/^created release v1\.0\.0 at commit [0-9a-f]{12} from checklist release-checklist v1$/) });
    expect(results).toMatchObject({ actorLabel: expect.stringMatching(/^token:ci-/), actorToken: expect.any(String), actorUserId: null, summary: "reported 1 result (json) for staging, run run-41" });
    expect(results!.requestId).toMatch(/\S/);
    expect(signed).toMatchObject({
      actorLabel: manager.email,
      actorUserId: manager.id,
      targetType: "item",
      targetId: "release-approval",
      after: expect.objectContaining({ signOff: signOffId, environment: "staging", comment: "notes, plan and rota checked" }),
      summary: "signed off Release manager approval for staging: “notes, plan and rota checked”",
    });
    expect(metrics).toMatchObject({ actorUserId: null, actorToken: expect.any(String), summary: "reported events_per_sec = 812 events/s for staging" });
    expect(deployed).toMatchObject({ actorUserId: null, actorToken: expect.any(String) });
    expect(revoked).toMatchObject({
      targetId: "staging-ws-events",
      before: expect.objectContaining({ signOff: revokedId, revokedAt: null }),
      after: expect.objectContaining({ signOff: revokedId, reason: "signed the wrong build" }),
      summary: `revoked ${manager.email}'s sign-off of Critical WebSocket events visible on staging for staging: “signed the wrong build”`,
    });
    expect(new Date(revoked!.createdAt).toISOString()).toBe(revoked!.createdAt);
  });

  it("a request id sent by the caller is recorded with the event", async () => {
    const p = await makeProject();
    const requestId = `req-${uniqueSuffix()}`;
    const response = await api(`${base(p)}/metrics`, { token: p.token, json: { environment: "staging", metrics: [{ name: "events_per_sec", value: 812, unit: "events/s" }] }, headers: { "x-request-id": requestId } });
    expect(response.status).toBe(201);
    const event = (await trail(p)).events.at(-1)!;
    expect(event).toMatchObject({ action: "metrics.recorded", requestId, summary: "reported events_per_sec = 812 events/s for staging" });
  });

  it("readers: viewer 200; anonymous 401; a token of another project 404; a token without gate:read 403; a non-member 404", async () => {
    const p = await makeProject();
    const other = await makeProject();
    const viewer = await person(p, "viewer");
    const outsider = await person(other, "admin");
    const writeOnly = await makeToken(p.slug, ["results:write"]);
    for (const suffix of ["audit", "evidence-pack"]) {
      const url = `${base(p)}/${suffix}`;
      expect((await api(url, { headers: { cookie: viewer.headers.cookie } })).status, suffix).toBe(200);
      expect((await api(url, { token: p.token })).status, suffix).toBe(200);
      expectApiError(await api(url), 401, "unauthorized");
      expectApiError(await api(url, { token: other.token }), 404, "not_found");
      expectApiError(await api(url, { token: writeOnly }), 403, "forbidden");
      expectApiError(await api(url, { headers: { cookie: outsider.headers.cookie } }), 404, "not_found");
      expectApiError(await api(`/api/v1/projects/${p.slug}/releases/v9.9.9/${suffix}`, { token: p.token }), 404, "not_found");
    }
  });
});

describe("the database keeps the trail append-only", () => {
  it("refuses UPDATE, DELETE and TRUNCATE on AuditEvent, by SQL and through Prisma, and the row stays as it was", async () => {
    const { p } = await busyProject();
    const { releaseId } = await releaseRow(p.slug, p.version);
    const row = await db().auditEvent.findFirstOrThrow({ where: { releaseId, action: "signoff.created" }, orderBy: { id: "asc" } });

    await expect(db().$executeRawUnsafe(`UPDATE "AuditEvent" SET "after" = '{"environment":"production"}'::jsonb WHERE id = $1`, row.id)).rejects.toThrow(/append-only: UPDATE is not allowed/);
    await expect(db().$executeRawUnsafe(`DELETE FROM "AuditEvent" WHERE id = $1`, row.id)).rejects.toThrow(/append-only: DELETE is not allowed/);
    await expect(db().$executeRawUnsafe(`TRUNCATE "AuditEvent"`)).rejects.toThrow(/append-only: TRUNCATE is not allowed/);
    await expect(db().auditEvent.update({ where: { id: row.id }, data: { actorLabel: "someone else" } })).rejects.toThrow(/append-only/);
    await expect(db().auditEvent.deleteMany({ where: { releaseId } })).rejects.toThrow(/append-only/);

    expect(await db().auditEvent.findUniqueOrThrow({ where: { id: row.id } })).toEqual(row);
    expect(await db().auditEvent.count({ where: { releaseId } })).toBe(7);
    expect((await trail(p)).chain).toMatchObject({ ok: true, events: 7, signedEvents: 7 });
  });
});

describe("a broken chain", () => {
  it("an event whose content does not match its hash is reported by the endpoint, the pack and the printable page", async () => {
    const p = await makeProject();
    const { projectId, releaseId } = await releaseRow(p.slug, p.version);
    const [first] = (await trail(p)).events;
    // Someone with database access appends a sign-off that never happened, with a made-up hash.
    const forged = {
      projectId,
      releaseId,
      actorUserId: null,
      actorToken: null,
      actorLabel: "ghost@example.com",
      action: "signoff.created",
      targetType: "item",
      targetId: "release-approval",
      before: null,
      after: { environment: "production", comment: "looks fine" },
      requestId: null,
      ip: null,
      createdAt: new Date().toISOString(),
    };
    await db().auditEvent.create({ data: { ...forged, before: undefined, createdAt: new Date(forged.createdAt), prevHash: first!.hash, hash: eventHash(first!.hash, { ...forged, after: { environment: "staging" } }) } });

    const body = await trail(p);
    expect(body.chain).toMatchObject({ ok: false, events: 2, brokenAt: 1, reason: expect.stringMatching(/^broken at event 2 \(signoff\.created\): event #\d+ .* was changed after it was recorded$/) });
    const pack = (await api<EvidencePack>(`${base(p)}/evidence-pack`, { token: p.token })).body;
    expect(pack.audit.chain).toEqual(body.chain);

    const viewer = await person(p, "viewer");
    const html = (await api<string>(`/projects/${p.slug}/releases/${p.version}/evidence`, { headers: { cookie: viewer.headers.cookie } })).body.replaceAll("<!-- -->", "");
    expect(html).toContain("Chain BROKEN at event 2 of 2");
  });
});

describe("the evidence pack", () => {
  it("downloads as a named JSON attachment with the release, results, sign-offs, gates and the whole chain", async () => {
    const { p, manager, signOffId, revokedId } = await busyProject();
    const response = await api<EvidencePack>(`${base(p)}/evidence-pack`, { headers: { cookie: manager.headers.cookie } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(response.headers.get("content-disposition")).toBe(`attachment; filename="shipcheck-${p.slug}-${p.version}-evidence.json"`);
    expect(response.headers.get("cache-control")).toBe("no-store");

    const pack = evidencePackSchema.parse(response.body);
    expect(pack).toMatchObject({
      format: "shipcheck-evidence-pack",
      formatVersion: 2,
      generatedBy: manager.email,
      project: { slug: p.slug, environments: ["staging", "production"] },
      release: { version: p.version, commit: p.commit, status: "deployed", changedFiles: [] },
      template: { name: "release-checklist", version: 1, digest: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    expect(Date.now() - Date.parse(pack.generatedAt)).toBeLessThan(60_000);
    expect(pack.items.map((i) => i.key)).toContain("release-approval");
    expect(pack.results).toEqual([
      expect.objectContaining({ key: "tests/smoke/test_api.py::test_health", status: "passed", durationMs: 41, commit: p.commit, environment: "staging", runId: "run-41", source: "json", deliveryId: expect.any(String) }),
    ]);
    expect(pack.signOffs).toEqual([
      expect.objectContaining({ id: signOffId, item: "release-approval", by: manager.email, role: "release-manager", environment: "staging", commit: p.commit, comment: "notes, plan and rota checked", evidence: null, stale: false, revokedAt: null }),
      expect.objectContaining({ id: revokedId, item: "staging-ws-events", revokedBy: manager.email, revokeReason: "signed the wrong build" }),
    ]);
    expect(pack.gates.staging).toMatchObject({ environment: "staging", open: true, blocking: [] });
    // The revoked sign-off no longer counts: production waits for the WebSocket check again.
    expect(pack.gates.production).toMatchObject({ environment: "production", open: false });
    expect(pack.gates.production!.blocking.map((b) => b.item)).toEqual(["smoke-tests", "event-throughput", "staging-ws-events", "release-approval"]);
    expect(Object.keys(pack.gates)).toEqual(["staging", "production"]);
    expect(pack.audit.chain).toMatchObject({ ok: true, events: 7, signedEvents: 7 });
    // Signed with the key the public endpoint serves; the signature covers every other section.
    expect(pack.signingKey).toEqual((await api("/api/v1/audit/public-key")).body);
    expect(pack.signature).toMatchObject({ algorithm: "Ed25519", keyId: pack.signingKey.keyId, digest: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(Object.keys(pack.signature.sections).sort()).toEqual(Object.keys(pack).filter((k) => k !== "signature").sort());
    expect(pack.audit.events.map((e) => e.action)).toEqual(["release.created", "results.recorded", "signoff.created", "metrics.recorded", "deployment.recorded", "signoff.created", "signoff.revoked"]);
    // The same events as the audit endpoint, field for field (without the readable summary).
    const fromApi = (await trail(p)).events.map((event) => {
      const { summary, ...stored } = event;
      expect(summary.length).toBeGreaterThan(0);
      return stored;
    });
    expect(pack.audit.events).toEqual(fromApi);
  });

  it("`shipcheck verify`: untouched pack exit 0; one edited `after` exit 1 naming the event; a forged hash exit 1 at the next; garbage exit 2", async () => {
    const { p, manager } = await busyProject();
    const text = (await api(`${base(p)}/evidence-pack`, { headers: { cookie: manager.headers.cookie } })).body as EvidencePack;
    const original = await file("pack.json", JSON.stringify(text, null, 2));

    const intact = await shipcheck(["verify", original]);
    expect(intact.stderr).toBe("");
    expect(intact.code).toBe(0);
    expect(intact.stdout).toContain(`Evidence pack of ${p.slug} ${p.version} (commit ${p.commit.slice(0, 12)})`);
    expect(intact.stdout).toContain("Chain intact: 7 events");
    expect(intact.stdout).toContain("Template release-checklist v1: definition matches its digest");
    expect(intact.stdout).toContain("Sign-offs: 2 match the audit events that recorded them");

    // Someone "corrects" the environment of the first sign-off.
    const edited = JSON.parse(await readFile(original, "utf8")) as EvidencePack;
    const target = edited.audit.events[2]!;
    target.after = { ...(target.after as Record<string, unknown>), environment: "production" };
    const broken = await shipcheck(["verify", await file("edited.json", JSON.stringify(edited))]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(new RegExp(`Chain BROKEN: broken at event 3 \\(signoff\\.created\\): event #${target.id} .* was changed after it was recorded`));

    // A careful forger recomputes that event's hash: the next event no longer links to it.
    const forged = JSON.parse(JSON.stringify(edited)) as EvidencePack;
    const forgedEvent = forged.audit.events[2] as AuditEventRecord;
    forgedEvent.hash = eventHash(forgedEvent.prevHash, forgedEvent);
    const next = forged.audit.events[3]!;
    const caught = await shipcheck(["verify", await file("forged.json", JSON.stringify(forged))]);
    expect(caught.code).toBe(1);
    expect(caught.stdout).toMatch(new RegExp(`broken at event 4 \\(metrics\\.recorded\\): event #${next.id} \\(.*\\) points at`));

    // Removing the CI report from the middle of the trail is caught too.
    const removed = JSON.parse(await readFile(original, "utf8")) as EvidencePack;
    removed.audit.events.splice(1, 1);
    const gap = await shipcheck(["verify", await file("removed.json", JSON.stringify(removed))]);
    expect(gap.code).toBe(1);
    expect(gap.stdout).toContain("broken at event 2 (signoff.created)");

    // A sign-off's comment edited in the pack, the chain left alone: the event that recorded it disagrees.
    const comment = JSON.parse(await readFile(original, "utf8")) as EvidencePack;
    comment.signOffs[0]!.comment = "all checked, twice";
    const disagree = await shipcheck(["verify", await file("comment.json", JSON.stringify(comment))]);
    expect(disagree.code).toBe(1);
    expect(disagree.stdout).toContain("Chain intact: 7 events");
    expect(disagree.stdout).toContain('Sign-offs ALTERED: 1 disagreement with the audit trail');
    expect(disagree.stdout).toContain(`comment is "all checked, twice" in the pack, but its audit event #${comment.audit.events[2]!.id} recorded "notes, plan and rota checked"`);

    const garbage = await shipcheck(["verify", await file("garbage.json", "{ this is not json")]);
    expect(garbage.code).toBe(2);
    expect(garbage.stderr).toMatch(/is not JSON, so not an evidence pack/);
    const notAPack = await shipcheck(["verify", await file("other.json", JSON.stringify({ results: [] }))]);
    expect(notAPack.code).toBe(2);
    expect(notAPack.stderr).toContain("not a Shipcheck evidence pack");
    const missing = await shipcheck(["verify", path.join(dir, "no-such-pack.json")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no such file");
  });

  it("the printable page: signed-out visitors are sent to sign in; members see the sections and the chain; others get 404", async () => {
    const { p } = await busyProject();
    const page = `/projects/${p.slug}/releases/${p.version}/evidence`;
    const anonymous = await api(page);
    expect(anonymous.status).toBeGreaterThanOrEqual(300);
    expect(anonymous.status).toBeLessThan(400);
    expect(anonymous.headers.get("location")).toContain("/signin");

    const viewer = await person(p, "viewer");
    const html = await api<string>(page, { headers: { cookie: viewer.headers.cookie } });
    expect(html.status).toBe(200);
    // React separates adjacent text nodes with empty comments; read the text as a person would.
    const text = html.body.replaceAll("<!-- -->", "");
    for (const shown of ["Evidence pack:", "Chain intact: 7 events", "Download JSON", "Release manager approval", "signed the wrong build", "tests/smoke/test_api.py::test_health"]) {
      expect(text).toContain(shown);
    }
    const outsider = await person(await makeProject(), "admin");
    expect((await api(page, { headers: { cookie: outsider.headers.cookie } })).status).toBe(404);
  });
});
