import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { eventHash, type ChainedEvent } from "./chain";
import { CHECKPOINT_EVERY_EVENTS, CHECKPOINT_EVERY_SECONDS, checkpointDue, checkpointSignatureValid, signCheckpoint, verifyCheckpoints, type Checkpoint, type CheckpointFields } from "./checkpoint";
import { keyIdOf } from "./signing";

const RELEASE = "7f0c2a52-5f7e-4f43-9d55-0c9a4c1f0a01";
const CHAIN = `release:${RELEASE}`;
const { privateKey, publicKey } = generateKeyPairSync("ed25519");

type Linked = ChainedEvent & { id: string; prevHash: string | null; hash: string };

/** A release chain of n events, linked as recordAudit links them. */
function chain(n: number, edit: (index: number) => Partial<ChainedEvent> = () => ({})): Linked[] {
  let previous: string | null = null;
  return Array.from({ length: n }, (_, index) => {
    const event: ChainedEvent = {
      projectId: null,
      releaseId: RELEASE,
      actorUserId: null,
      actorToken: "t-1",
      actorLabel: "token:ci",
      action: "results.recorded",
      targetType: "release",
      targetId: RELEASE,
      before: null,
      after: { count: index },
      requestId: null,
      ip: null,
      createdAt: new Date(Date.UTC(2026, 11, 1, 10, 0, index)).toISOString(),
      ...edit(index),
    };
    const hash = eventHash(previous, event);
    const linked = { ...event, id: String(1000 + index * 7), prevHash: previous, hash };
    previous = hash;
    return linked;
  });
}

let nextId = 1;
function checkpointOf(events: Linked[], count: number, key = privateKey): Checkpoint {
  const head = events[count - 1]!;
  const fields: CheckpointFields = { chain: CHAIN, headId: head.id, headHash: head.hash, events: count, createdAt: new Date(Date.UTC(2026, 11, 1, 11, 0, count)).toISOString() };
  return { id: String(nextId++), ...fields, ...signCheckpoint(key, fields) };
}

describe("checkpoint signatures", () => {
  it("cover the chain, head, count and time: changing any of them fails the signature", () => {
    const events = chain(3);
    const checkpoint = checkpointOf(events, 3);
    expect(checkpoint.keyId).toBe(keyIdOf(publicKey));
    expect(checkpointSignatureValid(publicKey, checkpoint)).toBe(true);
    for (const edit of [{ chain: "release:other" }, { headId: "1" }, { headHash: "0".repeat(64) }, { events: 2 }, { createdAt: "2026-12-01T11:00:04.000Z" }]) {
      expect(checkpointSignatureValid(publicKey, { ...checkpoint, ...edit }), JSON.stringify(edit)).toBe(false);
    }
    // The storage id and key id are not signed: moving a checkpoint's id changes nothing it states.
    expect(checkpointSignatureValid(publicKey, { ...checkpoint, ...{ id: "999" } })).toBe(true);
    expect(checkpointSignatureValid(generateKeyPairSync("ed25519").publicKey, checkpoint)).toBe(false);
  });
});

describe("verifyCheckpoints", () => {
  it("a chain that still holds every signed event at its signed position passes; signedEvents is the newest cover", () => {
    const events = chain(250);
    const report = verifyCheckpoints(events, [checkpointOf(events, 1), checkpointOf(events, 100), checkpointOf(events, 200)], publicKey);
    expect(report).toEqual({ ok: true, checked: 3, signedEvents: 200 });
    expect(verifyCheckpoints(events, [], publicKey)).toEqual({ ok: true, checked: 0, signedEvents: 0 });
  });

  it("a correctly hashed event inserted before a checkpoint (the rest re-hashed) fails it", () => {
    const original = chain(10);
    const checkpoints = [checkpointOf(original, 10)];
    // The forger rebuilds the chain with one more event at position 4: every link holds.
    const forged = chain(11, (i) => (i === 4 ? { action: "signoff.created", actorLabel: "ghost@example.com" } : { after: { count: i > 4 ? i - 1 : i } }));
    const report = verifyCheckpoints(forged, checkpoints, publicKey);
    expect(report).toMatchObject({ ok: false, checked: 1, signedEvents: 0, checkpoint: { id: checkpoints[0]!.id } });
    expect(!report.ok && report.message).toMatch(/^checkpoint #\d+ \(.*, 10 events up to #1063\): event 10 of the chain is #1063 with hash [0-9a-f]{12}, but the signed one was #1063 with hash [0-9a-f]{12}: events up to it were inserted, removed or rewritten after it was signed$/);
  });

  it("a rewritten, re-hashed chain fails the checkpoint after the rewrite, not the ones before it", () => {
    const original = chain(30);
    const checkpoints = [checkpointOf(original, 10), checkpointOf(original, 20), checkpointOf(original, 30)];
    const rewritten = chain(30, (i) => (i === 14 ? { after: { count: 0, note: "never failed" } } : {}));
    const report = verifyCheckpoints(rewritten, checkpoints, publicKey);
    expect(report).toMatchObject({ ok: false, checked: 2, signedEvents: 10, checkpoint: { events: 20 } });
  });

  it("a dropped tail: fewer events than a checkpoint signed", () => {
    const events = chain(150);
    const checkpoints = [checkpointOf(events, 100), checkpointOf(events, 150)];
    const report = verifyCheckpoints(events.slice(0, 50), checkpoints, publicKey);
    expect(report).toMatchObject({ ok: false, checked: 1, checkpoint: { events: 100 } });
    expect(!report.ok && report.message).toContain("the chain has only 50 events: 50 events were removed from its end");
    // Dropping only what no checkpoint covers is not caught here: those events have the chain alone.
    expect(verifyCheckpoints(events.slice(0, 150), checkpoints, publicKey).ok).toBe(true);
  });

  it("a checkpoint forged without the key, or signed by another key, fails by name", () => {
    const events = chain(5);
    const honest = checkpointOf(events, 5);
    const forged = { ...honest, events: 4, headId: events[3]!.id, headHash: events[3]!.hash };
    expect(verifyCheckpoints(events, [forged], publicKey)).toMatchObject({ ok: false, message: expect.stringContaining(`its signature does not verify with key ${keyIdOf(publicKey)}: the checkpoint was forged or altered`) });
    const other = generateKeyPairSync("ed25519").privateKey;
    const foreign = checkpointOf(events, 5, other);
    expect(verifyCheckpoints(events, [foreign], publicKey)).toMatchObject({ ok: false, message: expect.stringContaining(`it is signed by key ${keyIdOf(other)}, not ${keyIdOf(publicKey)}`) });
  });
});

describe("checkpointDue", () => {
  const now = new Date("2026-12-01T12:00:00.000Z");
  const ago = (seconds: number) => ({ createdAt: new Date(now.getTime() - seconds * 1000) });
  it("when the chain has none, is CHECKPOINT_EVERY_EVENTS past the last, or the last is CHECKPOINT_EVERY_SECONDS old", () => {
    expect(checkpointDue(null, 1, now)).toBe(true);
    expect(checkpointDue(ago(1), CHECKPOINT_EVERY_EVENTS - 1, now)).toBe(false);
    expect(checkpointDue(ago(1), CHECKPOINT_EVERY_EVENTS, now)).toBe(true);
    expect(checkpointDue(ago(CHECKPOINT_EVERY_SECONDS - 1), 1, now)).toBe(false);
    expect(checkpointDue(ago(CHECKPOINT_EVERY_SECONDS), 1, now)).toBe(true);
  });
});
