// Sub-steps of manual items over HTTP: ticked one by one per environment, a sign-off refused until
// all are ticked, frozen once signed, people only, one audit event per change, one row under races.
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { makeProject, makeToken } from "../support/fixtures";
import { api } from "../support/http";
import { auditEvents, releaseCounts, releaseRow } from "../support/db-state";
import { detailPaths, expectApiError } from "../support/errors";
import { gate, person, releaseItems, type Person } from "../support/templates";

const TEMPLATE = `name: steps-checklist
sections:
  - title: Pre-deploy checks
    phase: pre-deploy
    items:
      - key: staging-ws-events
        title: Critical WebSocket events visible on staging
        kind: manual
        role: engineer
        steps:
          - agent_started appears first
          - tool_executing and tool_completed appear in pairs
          - agent_completed appears last
      - key: release-approval
        title: Release manager approval
        kind: manual
        role: release-manager
        steps: [Release notes read, On-call rota checked]
      - key: smoke-tests
        title: Smoke tests pass
        kind: check
        patterns: ["tests/smoke/*"]
      - key: plain-approval
        title: An approval without steps
        kind: manual
        role: engineer
`;

type Project = Awaited<ReturnType<typeof makeProject>>;

const ITEM = "staging-ws-events";
const base = (p: Project) => `/api/v1/projects/${p.slug}/releases/${p.version}`;

const tick = (p: Project, who: Person | { token: string }, step: number, done = true, item = ITEM, environment = "staging") =>
  api(`${base(p)}/items/${item}/steps`, { json: { environment, step, done }, ...("token" in who ? { token: who.token } : { headers: who.headers }) });

const signOff = (p: Project, who: Person, item = ITEM, environment = "staging") =>
  api(`${base(p)}/items/${item}/signoffs`, { json: { environment }, headers: who.headers });

async function steps(p: Project, item = ITEM, environment = "staging") {
  const { body } = await releaseItems(p.slug, p.version, p.token);
  const found = body.sections.flatMap((s: { items: unknown[] }) => s.items).find((i: { key: string }) => i.key === item);
  return found.environments[environment].steps as { text: string; ticked: boolean; by: string | null; at: string | null }[];
}

async function unchanged<T>(p: Project, request: () => Promise<T>): Promise<T> {
  const { releaseId } = await releaseRow(p.slug, p.version);
  const before = [await releaseCounts(p.slug, p.version), await db().stepTick.count({ where: { releaseId } })];
  const out = await request();
  expect([await releaseCounts(p.slug, p.version), await db().stepTick.count({ where: { releaseId } })]).toEqual(before);
  return out;
}

describe("ticking steps", () => {
  it("a sign-off is 422 until every step is ticked for that environment, then 201; each tick is one row and one audit event", async () => {
    const p = await makeProject({ template: TEMPLATE });
    const engineer = await person(p.slug, "engineer");
    expect((await steps(p)).map((s) => s.ticked)).toEqual([false, false, false]);

    // Nothing ticked: refused, and the message says how far along it is.
    const early = await unchanged(p, () => signOff(p, engineer));
    expect(expectApiError(early, 422, "validation_failed").message).toContain("0 of 3");

    for (const step of [0, 2]) {
      const ticked = await tick(p, engineer, step);
      expect(ticked.status).toBe(200);
      expect(ticked.body).toEqual({ step, done: true, changed: true });
    }
    expect(expectApiError(await unchanged(p, () => signOff(p, engineer)), 422, "validation_failed").message).toContain("2 of 3");
    const shown = await steps(p);
    expect(shown.map((s) => s.ticked)).toEqual([true, false, true]);
    expect(shown[0]).toMatchObject({ text: "agent_started appears first", by: expect.stringContaining("engineer") });
    expect(Date.parse(shown[0]!.at!)).not.toBeNaN();
    // Ticks for staging are not ticks for production.
    expect((await steps(p, ITEM, "production")).map((s) => s.ticked)).toEqual([false, false, false]);

    expect((await tick(p, engineer, 1)).body).toEqual({ step: 1, done: true, changed: true });
    const signed = await signOff(p, engineer);
    expect(signed.status).toBe(201);
    expect((await gate(p.slug, p.version, p.token)).blocking.map((b) => b.item)).not.toContain(ITEM);

    // Production still needs its own ticks.
    expect(expectApiError(await signOff(p, engineer, ITEM, "production"), 422, "validation_failed").message).toContain("0 of 3");

    const { releaseId } = await releaseRow(p.slug, p.version);
    const rows = await db().stepTick.findMany({ where: { releaseId }, orderBy: { step: "asc" } });
    expect(rows.map((r) => [r.step, r.environment, r.commitSha, r.userId])).toEqual([0, 1, 2].map((s) => [s, "staging", p.commit, engineer.id]));
    const events = await auditEvents(p.slug, p.version, "step.ticked");
    expect(events).toHaveLength(3);
    expect(events.map((e) => (e.after as { step: number }).step)).toEqual([0, 2, 1]);
    expect(events[0]).toMatchObject({ actorUserId: engineer.id, targetType: "item", targetId: ITEM });
    expect(events[0]!.after).toMatchObject({ step: 0, text: "agent_started appears first", environment: "staging", commit: p.commit });
  });

  it("after a sign-off, ticking or unticking is 409 and changes nothing; after a revocation it is allowed again", async () => {
    const p = await makeProject({ template: TEMPLATE });
    const engineer = await person(p.slug, "engineer");
    for (const step of [0, 1, 2]) expect((await tick(p, engineer, step)).status).toBe(200);
    const signed = await signOff(p, engineer);
    expect(signed.status).toBe(201);

    await unchanged(p, async () => {
      expectApiError(await tick(p, engineer, 1, false), 409, "conflict");
      expectApiError(await tick(p, engineer, 1, true), 409, "conflict");
      // A release manager, who could sign it too, is held to the same rule.
      const manager = await person(p.slug, "release-manager");
      expectApiError(await tick(p, manager, 0, false), 409, "conflict");
    });
    expect((await steps(p)).map((s) => s.ticked)).toEqual([true, true, true]);

    const revoked = await api(`${base(p)}/signoffs/${signed.body.id}/revoke`, { json: { reason: "step 2 was not really checked" }, headers: engineer.headers });
    expect(revoked.status).toBe(200);
    const untick = await tick(p, engineer, 1, false);
    expect(untick.status).toBe(200);
    expect(untick.body).toEqual({ step: 1, done: false, changed: true });
    expect((await steps(p)).map((s) => s.ticked)).toEqual([true, false, true]);
    expect(expectApiError(await signOff(p, engineer), 422, "validation_failed").message).toContain("2 of 3");
    const unticked = await auditEvents(p.slug, p.version, "step.unticked");
    expect(unticked).toHaveLength(1);
    expect(unticked[0]!.after).toMatchObject({ step: 1, environment: "staging" });
  });

  it("ticking a ticked step or unticking an unticked one is 200 with changed: false, and writes nothing", async () => {
    const p = await makeProject({ template: TEMPLATE });
    const engineer = await person(p.slug, "engineer");
    await unchanged(p, async () => {
      expect((await tick(p, engineer, 2, false)).body).toEqual({ step: 2, done: false, changed: false });
    });
    expect((await tick(p, engineer, 2)).body.changed).toBe(true);
    await unchanged(p, async () => {
      const again = await tick(p, engineer, 2);
      expect(again.status).toBe(200);
      expect(again.body).toEqual({ step: 2, done: true, changed: false });
    });
    expect(await auditEvents(p.slug, p.version, "step.ticked")).toHaveLength(1);
  });

  it("ten concurrent ticks of one step make one row and one audit event", async () => {
    const p = await makeProject({ template: TEMPLATE });
    const engineer = await person(p.slug, "engineer");
    const manager = await person(p.slug, "release-manager");
    const responses = await Promise.all([
      ...Array.from({ length: 10 }, () => tick(p, engineer, 1)),
      // A second race on another item, by two people at once.
      ...Array.from({ length: 5 }, () => tick(p, manager, 0, true, "release-approval")),
      ...Array.from({ length: 5 }, () => tick(p, engineer, 0, true, "release-approval")),
    ]);
    const ws = responses.slice(0, 10);
    expect(ws.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(ws.filter((r) => r.body.changed === true)).toHaveLength(1);
    const approval = responses.slice(10);
    // The engineer is below the approval's role: refused, whatever the timing.
    expect(approval.slice(5).map((r) => r.status)).toEqual(Array(5).fill(403));
    expect(approval.slice(0, 5).map((r) => r.status)).toEqual(Array(5).fill(200));
    expect(approval.slice(0, 5).filter((r) => r.body.changed === true)).toHaveLength(1);

    const { releaseId } = await releaseRow(p.slug, p.version);
    expect(await db().stepTick.count({ where: { releaseId, item: { key: ITEM } } })).toBe(1);
    expect(await db().stepTick.count({ where: { releaseId, item: { key: "release-approval" } } })).toBe(1);
    expect(await auditEvents(p.slug, p.version, "step.ticked")).toHaveLength(2);
  });

  it("ten concurrent tick/untick pairs leave the audit trail consistent with the final state", async () => {
    const p = await makeProject({ template: TEMPLATE });
    const engineer = await person(p.slug, "engineer");
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => tick(p, engineer, 0, i % 2 === 0)));
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    const ticks = (await auditEvents(p.slug, p.version, "step.ticked")).length;
    const unticks = (await auditEvents(p.slug, p.version, "step.unticked")).length;
    const changed = responses.filter((r) => r.body.changed).length;
    expect(ticks + unticks).toBe(changed);
    const { releaseId } = await releaseRow(p.slug, p.version);
    const rows = await db().stepTick.count({ where: { releaseId } });
    // Every tick after an untick (or the first) adds a row, every untick removes one.
    expect(rows).toBe(ticks - unticks);
    expect([0, 1]).toContain(rows);
  });
});

describe("what is refused", () => {
  it("a step out of range is 404; a malformed body is 422; an unknown item 404; a check item 422", async () => {
    const p = await makeProject({ template: TEMPLATE });
    const engineer = await person(p.slug, "engineer");
    await unchanged(p, async () => {
      expect(expectApiError(await tick(p, engineer, 3), 404, "not_found").message).toContain("step 4");
      expectApiError(await tick(p, engineer, 1000), 404, "not_found");
      // An item without steps has no step 0.
      expectApiError(await tick(p, engineer, 0, true, "plain-approval"), 404, "not_found");
      expectApiError(await tick(p, engineer, 0, true, "no-such-item"), 404, "not_found");
      expectApiError(await tick(p, engineer, 0, true, "smoke-tests"), 422, "validation_failed");
      for (const [body, path] of [
        [{ environment: "staging", step: -1, done: true }, "step"],
        [{ environment: "staging", step: 1.5, done: true }, "step"],
        [{ environment: "staging", step: "1", done: true }, "step"],
        [{ environment: "staging", step: 1, done: "yes" }, "done"],
        [{ environment: "staging", step: 1 }, "done"],
        [{ step: 1, done: true }, "environment"],
      ] as const) {
        const response = await api(`${base(p)}/items/${ITEM}/steps`, { json: body, headers: engineer.headers });
        expect(detailPaths(expectApiError(response, 422, "validation_failed"))).toEqual([path]);
      }
      expectApiError(await tick(p, engineer, 0, true, ITEM, "qa"), 422, "validation_failed");
    });
    // An item without steps is signed off as before.
    expect((await signOff(p, engineer, "plain-approval")).status).toBe(201);
  });

  it("tokens are 403 whatever their permissions; a viewer is 403; a role below the item's is 403; nothing is written", async () => {
    const p = await makeProject({ template: TEMPLATE });
    const everything = await makeToken(p.slug);
    const viewer = await person(p.slug, "viewer");
    const engineer = await person(p.slug, "engineer");
    await unchanged(p, async () => {
      expectApiError(await tick(p, { token: everything }, 0), 403, "forbidden");
      expectApiError(await tick(p, { token: p.token }, 0, true, "release-approval"), 403, "forbidden");
      expectApiError(await tick(p, viewer, 0), 403, "forbidden");
      expect(expectApiError(await tick(p, engineer, 0, true, "release-approval"), 403, "forbidden").message).toContain("release-manager");
      // Cookie writes from another site are refused before anything else.
      const foreign = await api(`${base(p)}/items/${ITEM}/steps`, { json: { environment: "staging", step: 0, done: true }, headers: { cookie: engineer.headers.cookie!, origin: "https://evil.example" } });
      expectApiError(foreign, 403, "forbidden");
    });
    const manager = await person(p.slug, "release-manager");
    expect((await tick(p, manager, 0, true, "release-approval")).status).toBe(200);
    // A release manager may tick an engineer's item too (role at least the item's).
    expect((await tick(p, manager, 0)).status).toBe(200);
  });
});
