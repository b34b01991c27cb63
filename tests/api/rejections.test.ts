// Rejecting a manual item and assigning one, over HTTP: a rejection closes the gate with who, why
// and which commit until a later sign-off; only people who may sign reject; bad input writes
// nothing; an assignee must be able to sign, and sees the item first in their queue.
import { describe, expect, it } from "vitest";
import { verifyPack } from "@/lib/audit/pack";
import { db } from "@/lib/db/client";
import { makeProject, makeUser, randomSha } from "../support/fixtures";
import { api, signIn } from "../support/http";
import { gate, person, type Person } from "../support/templates";

const TEMPLATE = `name: rejections
sections:
  - title: Pre-deploy
    phase: pre-deploy
    items:
      - { key: ws-check, title: WebSocket check, kind: manual, role: engineer }
      - { key: approval, title: Release approval, kind: manual, role: release-manager }
`;

const item = (p: { slug: string; version: string }, key: string, what: string) => `/api/v1/projects/${p.slug}/releases/${p.version}/items/${key}/${what}`;

function signOff(p: { slug: string; version: string }, key: string, who: Person, environment = "staging") {
  return api(item(p, key, "signoffs"), { json: { environment }, headers: who.headers });
}

function reject(p: { slug: string; version: string }, key: string, who: Person | { token: string }, body: unknown) {
  return api(item(p, key, "rejections"), "token" in who ? { token: who.token, json: body } : { json: body, headers: who.headers });
}

async function release(p: { slug: string; version: string; token: string }) {
  const response = await api(`/api/v1/projects/${p.slug}/releases/${p.version}`, { token: p.token });
  expect(response.status).toBe(200);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return (response.body.sections as any[]).flatMap((s) => s.items);
}

async function stored(slug: string) {
  const project = await db().project.findUniqueOrThrow({ where: { slug } });
  const where = { release: { projectId: project.id } };
  return {
    rejections: await db().rejection.count({ where }),
    events: await db().auditEvent.count({ where: { projectId: project.id } }),
    versions: (await db().releaseItem.findMany({ where, select: { version: true } })).map((i) => i.version).join(","),
  };
}

describe("POST …/items/{itemKey}/rejections", () => {
  it("closes the gate naming who, why and the commit; a later sign-off clears it; the rejecter's own sign-off is revoked", async () => {
    const p = await makeProject({ template: TEMPLATE });
    const [alice, bob, engineer] = await Promise.all([person(p.slug, "release-manager"), person(p.slug, "release-manager"), person(p.slug, "engineer")]);
    expect((await signOff(p, "approval", alice)).status).toBe(201);
    expect((await signOff(p, "ws-check", engineer)).status).toBe(201);
    expect((await gate(p.slug, p.version, p.token)).open).toBe(true);

    const rejected = await reject(p, "approval", bob, { environment: "staging", reason: "the migration plan skips the backfill" });
    expect(rejected.status, JSON.stringify(rejected.body)).toBe(201);
    expect(rejected.body).toMatchObject({ item: "approval", environment: "staging", commit: p.commit, role: "release-manager", reason: "the migration plan skips the backfill", revokedSignOff: null });
    const bobName = (await db().user.findUniqueOrThrow({ where: { id: bob.id } })).name!;
    const closed = await gate(p.slug, p.version, p.token);
    expect(closed.open).toBe(false);
    expect(closed.blocking).toEqual([
      expect.objectContaining({
        item: "approval",
        reason: "rejected",
        detail: `rejected by ${bobName} for ${p.commit.slice(0, 7)}: the migration plan skips the backfill`,
        rejection: { by: bobName, reason: "the migration plan skips the backfill", commit: p.commit, at: rejected.body.createdAt },
      }),
    ]);
    // Per environment: production's own approval is untouched, but it needs staging's checklist met.
    const production = (await gate(p.slug, p.version, p.token, "production")).blocking;
    expect(production).toEqual(expect.arrayContaining([expect.objectContaining({ reason: "previous-environment", detail: "staging gate is closed (1 blocking)" })]));
    expect(production.map((b) => b.reason)).not.toContain("rejected");
    const approval = (await release(p)).find((i) => i.key === "approval");
    expect(approval.environments.staging).toMatchObject({ status: "rejected", rejection: { by: bobName, reason: "the migration plan skips the backfill", standing: true, stale: false } });

    // Alice's earlier sign-off does not answer it; Alice can't sign twice, but anyone else who may sign can.
    expect((await signOff(p, "approval", alice)).status).toBe(409);
    const carol = await person(p.slug, "release-manager");
    expect((await signOff(p, "approval", carol)).status).toBe(201);
    expect((await gate(p.slug, p.version, p.token)).open).toBe(true);
    const after = (await release(p)).find((i) => i.key === "approval").environments.staging;
    expect(after.status).toBe("passed");
    expect(after.rejection).toBeNull();
    expect(after.rejections).toEqual([expect.objectContaining({ by: bobName, standing: false, stale: false })]);

    // Alice rejects now: her own sign-off is revoked in the same step, with an event of its own.
    const own = await reject(p, "approval", alice, { environment: "staging", reason: "rota has a gap on Friday" });
    expect(own.status).toBe(201);
    const aliceSignOff = await db().signOff.findFirstOrThrow({ where: { userId: alice.id } });
    expect(own.body.revokedSignOff).toBe(aliceSignOff.id);
    expect(aliceSignOff.revokeReason).toBe("rejected: rota has a gap on Friday");
    expect(await db().auditEvent.count({ where: { action: "signoff.revoked", after: { path: ["signOff"], equals: aliceSignOff.id } } })).toBe(1);
    expect(await db().auditEvent.count({ where: { action: "item.rejected", targetId: "approval", after: { path: ["reason"], equals: "rota has a gap on Friday" } } })).toBe(1);
    expect((await gate(p.slug, p.version, p.token)).blocking).toEqual([expect.objectContaining({ reason: "rejected" })]);
    // Twice in a row is a conflict; signing after her own rejection clears it.
    expect((await reject(p, "approval", alice, { environment: "staging", reason: "again" })).status).toBe(409);
    expect((await signOff(p, "approval", alice)).status).toBe(201);
    expect((await gate(p.slug, p.version, p.token)).open).toBe(true);

    // The evidence pack still checks out: the revocation a rejection made is on the record like any other.
    const pack = await api(`/api/v1/projects/${p.slug}/releases/${p.version}/evidence-pack`, { token: p.token });
    expect(pack.status).toBe(200);
    const verdict = verifyPack(pack.body);
    expect(verdict.status === "checked" ? { ok: verdict.ok, signOffs: verdict.signOffs } : verdict).toEqual({ ok: true, signOffs: [] });
  });

  it("stands again when the clearing sign-off is revoked", async () => {
    const p = await makeProject({ template: TEMPLATE });
    const [alice, bob] = await Promise.all([person(p.slug, "release-manager"), person(p.slug, "release-manager")]);
    expect((await reject(p, "approval", bob, { environment: "staging", reason: "not yet" })).status).toBe(201);
    const signed = await signOff(p, "approval", alice);
    expect(signed.status).toBe(201);
    expect((await gate(p.slug, p.version, p.token)).blocking.map((b) => b.item)).toEqual(["ws-check"]);
    const revoked = await api(`/api/v1/projects/${p.slug}/releases/${p.version}/signoffs/${signed.body.id}/revoke`, { json: { reason: "wrong build" }, headers: alice.headers });
    expect(revoked.status).toBe(200);
    expect((await gate(p.slug, p.version, p.token)).blocking).toEqual(expect.arrayContaining([expect.objectContaining({ item: "approval", reason: "rejected" })]));
  });

  it("after a rebuild, a rejection for the old commit is history: it neither blocks nor counts", async () => {
    const p = await makeProject({ template: TEMPLATE });
    const bob = await person(p.slug, "release-manager");
    expect((await reject(p, "approval", bob, { environment: "staging", reason: "bad build" })).status).toBe(201);
    const rebuilt = await api(`/api/v1/projects/${p.slug}/releases/${p.version}`, { method: "PATCH", token: p.token, json: { commit: randomSha() } });
    expect(rebuilt.status, JSON.stringify(rebuilt.body)).toBe(200);
    const blockers = (await gate(p.slug, p.version, p.token)).blocking;
    expect(blockers.find((b) => b.item === "approval")).toMatchObject({ reason: "approvals" });
    const approval = (await release(p)).find((i) => i.key === "approval").environments.staging;
    expect(approval.rejection).toBeNull();
    expect(approval.rejections).toEqual([expect.objectContaining({ reason: "bad build", standing: false, stale: true })]);
  });

  it("is for the people who may sign the item: an engineer on a release-manager item, a viewer and a token get 403 JSON, nothing written", async () => {
    const p = await makeProject({ template: TEMPLATE });
    const [engineer, viewer] = await Promise.all([person(p.slug, "engineer"), person(p.slug, "viewer")]);
    const before = await stored(p.slug);
    for (const who of [engineer, viewer, { token: p.token }]) {
      const response = await reject(p, "approval", who, { environment: "staging", reason: "looks wrong" });
      expect(response.status).toBe(403);
      expect(response.body.error).toMatchObject({ code: "forbidden" });
      expect(typeof response.body.error.message).toBe("string");
    }
    expect(await stored(p.slug)).toEqual(before);
    // Their own item is theirs to reject.
    expect((await reject(p, "ws-check", engineer, { environment: "staging", reason: "only 4 of 5 events" })).status).toBe(201);
  });

  it("refuses a missing, empty or oversized reason (and unknown fields) with 422 JSON, writing nothing", async () => {
    const p = await makeProject({ template: TEMPLATE });
    const bob = await person(p.slug, "release-manager");
    const before = await stored(p.slug);
    for (const body of [
      { environment: "staging" },
      { environment: "staging", reason: "   " },
      { environment: "staging", reason: "x".repeat(2_001) },
      { environment: "staging", reason: "ok", extra: true },
      { environment: "Staging!", reason: "ok" },
    ]) {
      const response = await reject(p, "approval", bob, body);
      expect(response.status, JSON.stringify(body)).toBe(422);
      expect(response.body.error.code).toBe("validation_failed");
      expect(response.body.error.details.length).toBeGreaterThan(0);
    }
    const long = await reject(p, "approval", bob, { environment: "staging", reason: "x".repeat(2_001) });
    expect(JSON.stringify(long.body.error)).toContain("2,000");
    expect((await reject(p, "smoke", bob, { environment: "staging", reason: "ok" })).status).toBe(404);
    expect(await stored(p.slug)).toEqual(before);
    // Exactly at the limit is fine.
    expect((await reject(p, "approval", bob, { environment: "staging", reason: "y".repeat(2_000) })).status).toBe(201);
  });

  it("a verifyOn item is rejected on the environment it is done on, after its deploy there, and closes the gates after it", async () => {
    const p = await makeProject();
    const engineer = await person(p.slug, "engineer");
    const body = (environment: string) => ({ environment, reason: "tool_completed never arrives" });
    const early = await reject(p, "staging-ws-events", engineer, body("staging"));
    expect(early.status).toBe(409);
    expect(early.body.error.message).toContain("record the deploy");
    const release = await db().release.findFirstOrThrow({ where: { version: p.version, project: { slug: p.slug } } });
    await db().deployment.create({ data: { releaseId: release.id, projectId: release.projectId, environment: "staging", commitSha: release.commitSha, deployedBy: "test" } });
    expect((await reject(p, "staging-ws-events", engineer, body("production"))).status).toBe(422);
    expect((await reject(p, "staging-ws-events", engineer, body("staging"))).status).toBe(201);
    const production = (await gate(p.slug, p.version, p.token, "production")).blocking.find((b) => b.item === "staging-ws-events");
    expect(production).toMatchObject({ reason: "rejected", detail: expect.stringContaining("tool_completed never arrives") });
    // Staging's own gate is not the one it gates.
    expect((await gate(p.slug, p.version, p.token)).blocking.map((b) => b.item)).not.toContain("staging-ws-events");
  });

  it("refuses a rejection made against an item that changed since (expectedVersion), like a sign-off", async () => {
    const p = await makeProject({ template: TEMPLATE });
    const [alice, bob] = await Promise.all([person(p.slug, "release-manager"), person(p.slug, "release-manager")]);
    const version = (await release(p)).find((i) => i.key === "approval").version;
    expect((await signOff(p, "approval", alice)).status).toBe(201);
    const late = await reject(p, "approval", bob, { environment: "staging", reason: "saw an older page", expectedVersion: version });
    expect(late.status).toBe(409);
    expect(await db().rejection.count({ where: { userId: bob.id } })).toBe(0);
  });
});

describe("PUT and DELETE …/items/{itemKey}/assignee", () => {
  it("assigns to a member who can sign the item, else 422 saying why; release managers only; the release shows it", async () => {
    const p = await makeProject({ template: TEMPLATE });
    const other = await makeProject({ template: TEMPLATE });
    const [manager, engineer, viewer, admin] = await Promise.all([person(p.slug, "release-manager"), person(p.slug, "engineer"), person(p.slug, "viewer"), person(p.slug, "admin")]);
    const outsider = await makeUser(other.slug, "release-manager");
    const assign = (key: string, who: Person | { token: string }, body: unknown) =>
      api(item(p, key, "assignee"), "token" in who ? { method: "PUT", token: who.token, json: body } : { method: "PUT", json: body, headers: who.headers });

    for (const [userId, words] of [
      [engineer.id, "needs release-manager"],
      [viewer.id, "needs release-manager"],
      [outsider.id, "must be a member"],
      ["00000000-0000-4000-8000-000000000000", "must be a member"],
    ] as const) {
      const response = await assign("approval", manager, { userId });
      expect(response.status).toBe(422);
      expect(response.body.error.code).toBe("validation_failed");
      expect(response.body.error.message).toContain(words);
    }
    expect((await assign("approval", manager, { userId: "not-a-uuid" })).status).toBe(422);
    expect((await assign("approval", manager, {})).status).toBe(422);
    expect((await assign("approval", engineer, { userId: manager.id })).status).toBe(403);
    expect((await assign("approval", { token: p.token }, { userId: manager.id })).status).toBe(403);
    expect((await assign("smoke", manager, { userId: manager.id })).status).toBe(404);
    expect((await db().releaseItem.findFirstOrThrow({ where: { key: "approval", release: { project: { slug: p.slug } } } })).assigneeId).toBeNull();

    const assigned = await assign("approval", manager, { userId: admin.id });
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
    const adminName = (await db().user.findUniqueOrThrow({ where: { id: admin.id } })).name!;
    expect(assigned.body).toMatchObject({ item: "approval", assignee: { userId: admin.id, name: adminName } });
    expect((await assign("ws-check", manager, { userId: engineer.id })).status).toBe(200);
    const items = await release(p);
    expect(items.find((i) => i.key === "approval").assignee).toMatchObject({ userId: admin.id, name: adminName });
    expect(items.find((i) => i.key === "ws-check").assignee).toMatchObject({ userId: engineer.id });
    expect(await db().auditEvent.count({ where: { action: "item.assigned", releaseId: (await db().release.findFirstOrThrow({ where: { project: { slug: p.slug } } })).id } })).toBe(2);

    expect((await api(item(p, "approval", "assignee"), { method: "DELETE", headers: engineer.headers })).status).toBe(403);
    const removed = await api(item(p, "approval", "assignee"), { method: "DELETE", headers: manager.headers });
    expect(removed.status).toBe(200);
    expect(removed.body).toEqual({ item: "approval", assignee: null, assignedAt: null });
    expect((await release(p)).find((i) => i.key === "approval").assignee).toBeNull();
  });

  it("puts assigned items first in the assignee's queue, marked, even when newer", async () => {
    const older = await makeProject({ template: TEMPLATE });
    const newer = await makeProject({ template: TEMPLATE });
    const me = await makeUser(older.slug, "release-manager");
    const boss = await person(newer.slug, "admin");
    await db().membership.create({ data: { userId: me.id, projectId: (await db().project.findUniqueOrThrow({ where: { slug: newer.slug } })).id, role: "release_manager" } });
    const cookie = await signIn(me.email, me.password);
    type Entry = { project: string; item: string; environment: string; assignedToYou: boolean; detail: string };
    const queue = async () => ((await api<{ items: Entry[] }>("/api/v1/me/queue", { headers: { cookie } })).body.items as Entry[]).filter((e) => e.project === older.slug || e.project === newer.slug);

    const plain = await queue();
    expect(plain[0]!.project).toBe(older.slug);
    expect(plain.every((e) => e.assignedToYou === false)).toBe(true);

    const assigned = await api(item(newer, "approval", "assignee"), { method: "PUT", json: { userId: me.id }, headers: boss.headers });
    expect(assigned.status).toBe(200);
    const first = await queue();
    expect(first.slice(0, 2).map((e) => `${e.project}/${e.item}@${e.environment}:${e.assignedToYou}`).sort()).toEqual([
      `${newer.slug}/approval@production:true`,
      `${newer.slug}/approval@staging:true`,
    ]);
    expect(first.slice(2).every((e) => !e.assignedToYou)).toBe(true);
    // Signed by someone else, it leaves my queue; rejected after that, it waits there again for a sign-off.
    const [signer, rejecter] = await Promise.all([person(older.slug, "release-manager"), person(older.slug, "release-manager")]);
    const here = (entries: Entry[]) => entries.find((e) => e.project === older.slug && e.item === "approval" && e.environment === "staging");
    expect((await signOff(older, "approval", signer)).status).toBe(201);
    expect(here(await queue())).toBeUndefined();
    expect((await reject(older, "approval", rejecter, { environment: "staging", reason: "notes are stale" })).status).toBe(201);
    expect(here(await queue())).toMatchObject({ assignedToYou: false, detail: expect.stringContaining("notes are stale") });
  });
});

describe("the database keeps rejections append-only", () => {
  it("refuses UPDATE, DELETE and TRUNCATE of a rejection, whoever asks: what was rejected, by whom and why cannot be rewritten", async () => {
    const p = await makeProject({ template: TEMPLATE });
    const bob = await person(p.slug, "release-manager");
    expect((await reject(p, "approval", bob, { environment: "staging", reason: "the rollback plan is missing" })).status).toBe(201);
    const project = await db().project.findUniqueOrThrow({ where: { slug: p.slug } });
    const row = await db().rejection.findFirstOrThrow({ where: { release: { projectId: project.id } } });
    await expect(db().$executeRawUnsafe(`UPDATE "Rejection" SET reason = 'fine after all' WHERE id = $1::uuid`, row.id)).rejects.toThrow(/append-only: UPDATE is not allowed/);
    await expect(db().$executeRawUnsafe(`DELETE FROM "Rejection" WHERE id = $1::uuid`, row.id)).rejects.toThrow(/append-only: DELETE is not allowed/);
    await expect(db().$executeRawUnsafe(`TRUNCATE "Rejection"`)).rejects.toThrow(/append-only: TRUNCATE is not allowed/);
    expect((await db().rejection.findUniqueOrThrow({ where: { id: row.id } })).reason).toBe("the rollback plan is missing");
    expect((await gate(p.slug, p.version, p.token)).blocking.map((b) => b.reason)).toContain("rejected");
  });
});
