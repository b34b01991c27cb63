// Manual items over HTTP: sign off, refuse doubles (also under concurrency), revoke with a reason,
// and the gate following along. Every write leaves exactly one audit event.
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { makeProject, makeUser, randomSha } from "../support/fixtures";
import { deployToStaging } from "../support/flow";
import { api, baseUrl, signIn } from "../support/http";
import { auditEventsWhere, releaseCounts, releaseRow } from "../support/db-state";
import { detailPaths, expectApiError } from "../support/errors";

type Project = Awaited<ReturnType<typeof makeProject>>;

const base = (p: Project) => `/api/v1/projects/${p.slug}/releases/${p.version}`;

async function person(p: Project, role: Parameters<typeof makeUser>[1]) {
  const user = await makeUser(p.slug, role);
  const cookie = await signIn(user.email, user.password);
  return { ...user, headers: { cookie, origin: baseUrl() } };
}

const signOff = (p: Project, who: { headers: Record<string, string> }, item: string, body: unknown = { environment: "staging" }) =>
  api(`${base(p)}/items/${item}/signoffs`, { json: body, headers: who.headers });
const revoke = (p: Project, who: { headers: Record<string, string> }, id: string, body: unknown) =>
  api(`${base(p)}/signoffs/${id}/revoke`, { json: body, headers: who.headers });
const blockingItems = async (p: Project, environment = "staging") =>
  (await api(`${base(p)}/gate?environment=${environment}`, { token: p.token })).body.blocking.map((b: { item: string }) => b.item) as string[];

async function unchanged<T>(p: Project, request: () => Promise<T>): Promise<T> {
  const before = await releaseCounts(p.slug, p.version);
  const out = await request();
  expect(await releaseCounts(p.slug, p.version)).toEqual(before);
  return out;
}

describe("signing off", () => {
  it("201 with the sign-off, one row and one audit event; the gate no longer waits for it", async () => {
    const p = await makeProject();
    const manager = await person(p, "release-manager");
    expect(await blockingItems(p)).toContain("release-approval");

    const response = await signOff(p, manager, "release-approval", { environment: "staging", comment: "  notes, plan and rota checked  " });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ item: "release-approval", environment: "staging", commit: p.commit, role: "release-manager" });
    expect(response.body.id).toMatch(/^[0-9a-f-]{36}$/);

    const row = await db().signOff.findUniqueOrThrow({ where: { id: response.body.id } });
    expect(row).toMatchObject({ userId: manager.id, role: "release_manager", environment: "staging", commitSha: p.commit, comment: "notes, plan and rota checked", revokedAt: null });
    const events = await auditEventsWhere(p.slug, p.version, "signoff.created", "signOff", response.body.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorUserId: manager.id, targetType: "item", targetId: "release-approval" });

    expect(await blockingItems(p)).not.toContain("release-approval");
    // Signed for staging only.
    expect(await blockingItems(p, "production")).toContain("release-approval");
  });

  it("the same person signing the same item again is 409, and only one sign-off exists", async () => {
    const p = await makeProject();
    const manager = await person(p, "release-manager");
    expect((await signOff(p, manager, "release-approval")).status).toBe(201);
    const again = await unchanged(p, () => signOff(p, manager, "release-approval", { environment: "staging", comment: "once more" }));
    expectApiError(again, 409, "conflict");
    // For the other environment it is a new sign-off.
    expect((await signOff(p, manager, "release-approval", { environment: "production" })).status).toBe(201);
  });

  it("ten concurrent sign-offs by one person: exactly one 201, nine 409, one row, one audit event", async () => {
    const p = await makeProject();
    const manager = await person(p, "release-manager");
    // The WebSocket check is signed on staging after its deploy. Another release manager approves
    // staging for that deploy and then withdraws the approval, so all three races are open to this one.
    const { manager: approver, approvalId } = await deployToStaging(p);
    expect((await revoke(p, approver, approvalId, { reason: "approved before the notes were final" })).status).toBe(200);
    // Three races at once (two items, two environments) give a missing lock more chances to show.
    const targets = [
      { item: "release-approval", environment: "staging" },
      { item: "release-approval", environment: "production" },
      { item: "staging-ws-events", environment: "staging" },
    ];
    expect((await api(base(p), { headers: { cookie: manager.headers.cookie } })).status).toBe(200);
    const races = await Promise.all(
      targets.map(({ item, environment }) => Promise.all(Array.from({ length: 10 }, () => signOff(p, manager, item, { environment })))),
    );
    const { releaseId } = await releaseRow(p.slug, p.version);
    for (const [i, responses] of races.entries()) {
      const { item, environment } = targets[i]!;
      expect({ item, environment, statuses: responses.map((r) => r.status).sort() }).toEqual({ item, environment, statuses: [201, ...Array(9).fill(409)] });
      for (const r of responses.filter((r) => r.status === 409)) expectApiError(r, 409, "conflict");
      expect(await db().signOff.count({ where: { releaseId, environment, item: { key: item }, userId: manager.id } })).toBe(1);
    }
    expect(await db().auditEvent.count({ where: { releaseId, action: "signoff.created", actorUserId: manager.id } })).toBe(3);
  });

  it("check, metric and watch items are not signed off (422); an unknown item is 404", async () => {
    const p = await makeProject();
    const manager = await person(p, "release-manager");
    await unchanged(p, async () => {
      for (const item of ["smoke-tests", "event-throughput", "rollback-smoke-failure"]) {
        expect(expectApiError(await signOff(p, manager, item), 422, "validation_failed").message).toContain("only manual items");
      }
      for (const item of ["no-such-item", "RELEASE-APPROVAL", "release-approval%00", "release%20approval"]) {
        expectApiError(await signOff(p, manager, item), 404, "not_found");
      }
    });
  });

  it("the body is checked: environment required, no unknown fields, NUL in a comment is kept as U+FFFD", async () => {
    const p = await makeProject();
    const manager = await person(p, "release-manager");
    await unchanged(p, async () => {
      expect(detailPaths(expectApiError(await signOff(p, manager, "release-approval", {}), 422, "validation_failed"))).toEqual(["environment"]);
      expect(detailPaths(expectApiError(await signOff(p, manager, "release-approval", { environment: "staging", approved: true }), 422, "validation_failed"))).toEqual([""]);
      expect(detailPaths(expectApiError(await signOff(p, manager, "release-approval", { environment: "staging", comment: 5 }), 422, "validation_failed"))).toEqual(["comment"]);
    });
    const response = await signOff(p, manager, "release-approval", { environment: "staging", comment: "checked\u0000twice" });
    expect(response.status).toBe(201);
    expect((await db().signOff.findUniqueOrThrow({ where: { id: response.body.id } })).comment).toBe("checked\uFFFDtwice");
  });
});

describe("revoking", () => {
  it("200 with a reason; the gate counts it no more; the release shows it revoked; one audit event", async () => {
    const p = await makeProject();
    const manager = await person(p, "release-manager");
    const signed = await signOff(p, manager, "release-approval");
    expect(await blockingItems(p)).not.toContain("release-approval");

    const response = await revoke(p, manager, signed.body.id, { reason: "  signed the wrong build  " });
    expect(response.status).toBe(200);
    expect(response.body.id).toBe(signed.body.id);
    expect(Date.parse(response.body.revokedAt)).not.toBeNaN();

    const row = await db().signOff.findUniqueOrThrow({ where: { id: signed.body.id } });
    expect(row).toMatchObject({ revokedById: manager.id, revokeReason: "signed the wrong build" });
    expect(row.revokedAt).not.toBeNull();
    expect(await auditEventsWhere(p.slug, p.version, "signoff.revoked", "signOff", signed.body.id)).toHaveLength(1);

    const gate = await api(`${base(p)}/gate?environment=staging`, { token: p.token });
    expect(gate.body.blocking).toContainEqual({
      item: "release-approval",
      title: "Release manager approval",
      reason: "approvals",
      detail: "needs 1 more sign-off from release-manager",
    });
    const release = await api(base(p), { token: p.token });
    const item = release.body.sections.flatMap((s: { items: unknown[] }) => s.items).find((i: { key: string }) => i.key === "release-approval");
    expect(item.environments.staging.status).toBe("pending");
    expect(item.environments.staging.signOffs).toEqual([
      expect.objectContaining({ id: signed.body.id, userId: manager.id, revokeReason: "signed the wrong build", revokedAt: response.body.revokedAt }),
    ]);

    // After a revocation the same person may sign off again.
    expect((await signOff(p, manager, "release-approval")).status).toBe(201);
    expect(await blockingItems(p)).not.toContain("release-approval");
  });

  it("revoking twice is 409", async () => {
    const p = await makeProject();
    const manager = await person(p, "release-manager");
    const signed = await signOff(p, manager, "release-approval");
    expect((await revoke(p, manager, signed.body.id, { reason: "mistake" })).status).toBe(200);
    const again = await unchanged(p, () => revoke(p, manager, signed.body.id, { reason: "mistake again" }));
    expectApiError(again, 409, "conflict");
    expect((await db().signOff.findUniqueOrThrow({ where: { id: signed.body.id } })).revokeReason).toBe("mistake");
  });

  it("an empty, blank or missing reason is 422 and the sign-off stays", async () => {
    const p = await makeProject();
    const manager = await person(p, "release-manager");
    const signed = await signOff(p, manager, "release-approval");
    await unchanged(p, async () => {
      for (const body of [{ reason: "" }, { reason: "   \n\t" }, {}, { reason: null }, { reason: "ok", force: true }]) {
        const error = expectApiError(await revoke(p, manager, signed.body.id, body), 422, "validation_failed");
        expect(error.details?.length).toBeGreaterThan(0);
      }
    });
    expect((await db().signOff.findUniqueOrThrow({ where: { id: signed.body.id } })).revokedAt).toBeNull();
    expect(await blockingItems(p)).not.toContain("release-approval");
  });

  it("unknown, malformed or another release's sign-off ids are 404", async () => {
    const p = await makeProject();
    const manager = await person(p, "release-manager");
    const signed = await signOff(p, manager, "release-approval");
    const other = await api(`/api/v1/projects/${p.slug}/releases`, { token: p.token, json: { version: "v1.0.1", commit: randomSha(), template: p.template } });
    expect(other.status).toBe(201);
    await unchanged(p, async () => {
      for (const id of ["00000000-0000-4000-8000-000000000000", "not-a-uuid", "1", `${signed.body.id}x`, "%00"]) {
        expectApiError(await revoke(p, manager, id, { reason: "x" }), 404, "not_found");
      }
      const elsewhere = await api(`/api/v1/projects/${p.slug}/releases/v1.0.1/signoffs/${signed.body.id}/revoke`, { json: { reason: "x" }, headers: manager.headers });
      expectApiError(elsewhere, 404, "not_found");
    });
    expect((await db().signOff.findUniqueOrThrow({ where: { id: signed.body.id } })).revokedAt).toBeNull();
  });

  it("an engineer revokes their own sign-off but not a release manager's (403); a release manager revokes anyone's", async () => {
    const p = await makeProject();
    const engineer = await person(p, "engineer");
    const manager = await person(p, "release-manager");
    // The engineer-level item is signed on staging once the release is deployed there.
    await deployToStaging(p);
    const managers = await signOff(p, manager, "release-approval", { environment: "production" });
    const engineers = await signOff(p, engineer, "staging-ws-events");
    expect([managers.status, engineers.status]).toEqual([201, 201]);

    const refused = await unchanged(p, () => revoke(p, engineer, managers.body.id, { reason: "I disagree" }));
    expectApiError(refused, 403, "forbidden");
    expect((await revoke(p, engineer, engineers.body.id, { reason: "I looked at the wrong tab" })).status).toBe(200);

    const again = await signOff(p, engineer, "staging-ws-events");
    expect(again.status).toBe(201);
    expect((await revoke(p, manager, again.body.id, { reason: "evidence missing" })).status).toBe(200);
    const row = await db().signOff.findUniqueOrThrow({ where: { id: again.body.id } });
    expect(row).toMatchObject({ userId: engineer.id, revokedById: manager.id });
  });
});
