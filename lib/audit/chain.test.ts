import { describe, expect, it } from "vitest";
import { chainedFields, chainOf, eventHash, verifyChain, type ChainedEvent } from "./chain";

type Stored = ChainedEvent & { prevHash: string | null; hash: string | null };

const RELEASE = "7f0c2a52-5f7e-4f43-9d55-0c9a4c1f0a01";
const PROJECT = "1b7d8f0e-2c1a-4a0e-8f3c-6d2b9e4a7c10";

function event(index: number, overrides: Partial<ChainedEvent> = {}): ChainedEvent {
  return {
    projectId: PROJECT,
    releaseId: RELEASE,
    actorUserId: null,
    actorToken: "5c4c1e0e-0000-4000-8000-000000000001",
    actorLabel: "token:ci",
    action: "results.recorded",
    targetType: "release",
    targetId: RELEASE,
    before: null,
    after: { count: index + 1, environment: "staging", run: { id: `run-${index}` } },
    requestId: `req-${index}`,
    ip: "10.0.0.7",
    createdAt: new Date(Date.UTC(2026, 10, 28, 10, index)).toISOString(),
    ...overrides,
  };
}

/** Links events the way recordAudit does. */
function chain(events: ChainedEvent[]): Stored[] {
  let previous: string | null = null;
  return events.map((e) => {
    const hash = eventHash(previous, e);
    const stored = { ...e, prevHash: previous, hash };
    previous = hash;
    return stored;
  });
}

const five = () =>
  chain([
    event(0, { action: "release.created", after: { version: "v1.0.0", commit: "abc1234" } }),
    event(1),
    event(2, { action: "signoff.created", actorToken: null, actorUserId: "u-1", actorLabel: "rm@example.com", targetType: "item", targetId: "release-approval", after: { environment: "staging", comment: "ok" } }),
    event(3),
    event(4),
  ]);

describe("verifyChain", () => {
  it("an intact chain is ok, and so is an empty one", () => {
    expect(verifyChain(five())).toEqual({ ok: true, events: 5 });
    expect(verifyChain([])).toEqual({ ok: true, events: 0 });
  });

  it("an edited `after` breaks the chain at that event: its content no longer matches its hash", () => {
    const events = five();
    events[2] = { ...events[2]!, after: { environment: "production", comment: "ok" } };
    const check = verifyChain(events);
    expect(check).toMatchObject({ ok: false, events: 5, brokenAt: 2 });
    expect(!check.ok && check.reason).toMatch(/event 2 \(signoff\.created\) was changed/);
  });

  it("edits to any hashed field are caught, key order inside JSON is not an edit", () => {
    for (const field of ["actorLabel", "action", "targetId", "requestId", "ip", "createdAt", "before"] as const) {
      const events = five();
      events[3] = { ...events[3]!, [field]: field === "before" ? { status: "ready" } : "tampered" };
      expect(verifyChain(events), field).toMatchObject({ ok: false, brokenAt: 3 });
    }
    const events = five();
    const after = events[1]!.after as Record<string, unknown>;
    events[1] = { ...events[1]!, after: { run: after.run, environment: after.environment, count: after.count } };
    expect(verifyChain(events).ok).toBe(true);
  });

  it("a removed event breaks the link of the one after it", () => {
    const events = five();
    events.splice(2, 1);
    const check = verifyChain(events);
    expect(check).toMatchObject({ ok: false, events: 4, brokenAt: 2 });
    expect(!check.ok && check.reason).toMatch(/points at/);
    // Removing the first event: the new first one points at something.
    expect(verifyChain(five().slice(1))).toMatchObject({ ok: false, brokenAt: 0 });
  });

  it("reordered events break the chain where the order changed", () => {
    const events = five();
    [events[1], events[2]] = [events[2]!, events[1]!];
    expect(verifyChain(events)).toMatchObject({ ok: false, brokenAt: 1 });
  });

  it("a forged hash recomputed for the edited event still breaks the link to the next one", () => {
    const events = five();
    const forged = { ...events[2]!, after: { environment: "staging", comment: "never happened" } };
    forged.hash = eventHash(forged.prevHash, forged);
    events[2] = forged;
    const check = verifyChain(events);
    expect(check).toMatchObject({ ok: false, brokenAt: 3 });
    expect(!check.ok && check.reason).toMatch(/event 3 \(results\.recorded\) points at/);
  });

  it("a missing hash is a broken link, not a pass", () => {
    const events = five();
    events[4] = { ...events[4]!, hash: null };
    expect(verifyChain(events)).toMatchObject({ ok: false, brokenAt: 4 });
  });
});

describe("chainedFields and chainOf", () => {
  it("hashes only the recorded fields: extra columns such as id don't change the hash", () => {
    const e = event(0);
    expect(eventHash(null, { ...e, id: "42" } as ChainedEvent)).toBe(eventHash(null, e));
    expect(chainedFields({ ...e, before: undefined })).toMatchObject({ before: null });
    // The previous hash is part of what is hashed.
    expect(eventHash("a".repeat(64), e)).not.toBe(eventHash(null, e));
  });

  it("names the chain: release, else project, else instance", () => {
    expect(chainOf({ releaseId: RELEASE, projectId: PROJECT })).toBe(`release:${RELEASE}`);
    expect(chainOf({ releaseId: null, projectId: PROJECT })).toBe(`project:${PROJECT}`);
    expect(chainOf({ releaseId: null, projectId: null })).toBe("instance");
  });
});
