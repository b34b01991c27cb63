import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { describe, expect, it } from "vitest";
import { chainOf, eventHash, type ChainedEvent } from "./chain";
import { signCheckpoint, type Checkpoint } from "./checkpoint";
import { chainCheckOf, checkChains, describeAuditEvent, inIdOrder, PACK_FORMAT, reasonDetail, templateDigest, verifyPack, type AuditEventRecord, type EvidencePack, type UnsignedEvidencePack } from "./pack";
import { signPack } from "./pack-signature";
import { keyIdOf, publicKeyPem } from "./signing";

const RELEASE = "7f0c2a52-5f7e-4f43-9d55-0c9a4c1f0a01";
const PROJECT = "1b7d8f0e-2c1a-4a0e-8f3c-6d2b9e4a7c10";
const USER = "0d7c3a9e-1111-4000-8000-000000000001";

function chained(specs: Partial<ChainedEvent>[], firstId = 101): AuditEventRecord[] {
  let previous: string | null = null;
  return specs.map((spec, index) => {
    const event: ChainedEvent = {
      projectId: PROJECT,
      releaseId: RELEASE,
      actorUserId: USER,
      actorToken: null,
      actorLabel: "rm@example.com",
      action: "results.recorded",
      targetType: "release",
      targetId: RELEASE,
      before: null,
      after: { count: 2, environment: "staging" },
      requestId: `req-${index}`,
      ip: null,
      createdAt: new Date(Date.UTC(2026, 10, 28, 10, index)).toISOString(),
      ...spec,
    };
    const hash = eventHash(previous, event);
    const record = { id: String(firstId + index * 3), ...event, prevHash: previous, hash };
    previous = hash;
    return record;
  });
}

const EVENTS: Partial<ChainedEvent>[] = [
  { action: "release.created", after: { version: "v1.0.0", commit: "abcdef1234567890", template: "deploy", templateVersion: 1, changedFiles: 0, guardedPathsHit: [] } },
  { action: "results.recorded", after: { delivery: "d1", source: "json", count: 2, commit: "abcdef1234567890", environment: "staging", run: { id: "77" } } },
  { action: "signoff.created", targetType: "item", targetId: "release-approval", after: { signOff: "s-1", environment: "staging", commit: "abcdef1234567890", role: "release-manager", comment: null } },
  { action: "signoff.revoked", targetType: "item", targetId: "release-approval", before: { signOff: "s-1", revokedAt: null }, after: { signOff: "s-1", revokedAt: "2026-11-28T10:05:00.000Z", reason: "wrong build" } },
  { action: "step.ticked", targetType: "item", targetId: "release-approval", after: { step: 0, text: "Read the notes", environment: "staging", commit: "abcdef1234567890" } },
];

const definition = { name: "deploy", sections: [{ title: "Pre-deploy", phase: "pre-deploy", items: [{ key: "release-approval", kind: "manual", title: "Release manager approval" }] }] };

const server = generateKeyPairSync("ed25519");

/** A checkpoint of the first `count` events, as the server signs one. */
function checkpointOf(events: AuditEventRecord[], count = events.length, key: KeyObject = server.privateKey, id = String(count)): Checkpoint {
  const head = events[count - 1]!;
  const fields = { chain: chainOf(head), headId: head.id, headHash: head.hash!, events: count, createdAt: "2026-11-28T10:59:00.000Z" };
  return { id, ...fields, ...signCheckpoint(key, fields) };
}

/** Signs (again) what the pack holds, as a server exporting that state would. */
function signed(content: UnsignedEvidencePack | EvidencePack, key: KeyObject = server.privateKey): EvidencePack {
  const { signature: _signature, ...rest } = content as EvidencePack;
  void _signature;
  const unsigned = { ...rest, signingKey: { algorithm: "Ed25519" as const, keyId: keyIdOf(key), publicKey: publicKeyPem(key) } };
  return { ...unsigned, signature: signPack(key, unsigned) };
}

function pack(events = chained(EVENTS)): EvidencePack {
  return signed(unsignedPack(events));
}

function unsignedPack(events: AuditEventRecord[]): UnsignedEvidencePack {
  return {
    format: PACK_FORMAT,
    formatVersion: 2,
    generatedAt: "2026-11-28T11:00:00.000Z",
    generatedBy: "rm@example.com",
    project: { id: PROJECT, slug: "netra", name: "Netra", environments: ["staging", "production"] },
    release: { id: RELEASE, version: "v1.0.0", commit: "abcdef1234567890", status: "in_progress", createdAt: "2026-11-28T10:00:00.000Z", createdBy: null, changedFiles: [] },
    template: { name: "deploy", version: 1, digest: templateDigest(definition), createdAt: "2026-11-28T09:00:00.000Z", definition },
    items: [
      { key: "release-approval", section: "Pre-deploy", phase: "pre-deploy", position: 0, kind: "manual", title: "Release manager approval", instructions: null, required: true, environments: [], config: { role: "release-manager", approvals: 1 } },
    ],
    results: [],
    metrics: [],
    signOffs: [
      {
        id: "s-1",
        item: "release-approval",
        userId: USER,
        by: "rm@example.com",
        name: null,
        role: "release-manager",
        environment: "staging",
        commit: "abcdef1234567890",
        comment: null,
        evidenceUrl: null,
        evidence: null,
        createdAt: "2026-11-28T10:02:00.000Z",
        stale: false,
        revokedAt: "2026-11-28T10:05:00.000Z",
        revokedById: USER,
        revokedBy: "rm@example.com",
        revokeReason: "wrong build",
      },
    ],
    stepTicks: [],
    gates: { staging: { environment: "staging", open: false, overridden: false, override: null, blocking: [{ item: "release-approval", title: "Release manager approval", reason: "approvals", detail: "needs 1 more sign-off from release-manager" }] } },
    deployments: [],
    rollbackDecisions: [],
    overrides: [],
    alerts: [],
    signingKey: { algorithm: "Ed25519", keyId: keyIdOf(server.publicKey), publicKey: publicKeyPem(server.publicKey) },
    audit: { chain: { ok: true, events: events.length, checkpoints: 1, signedEvents: events.length }, checkpoints: [checkpointOf(events)], events },
  };
}

/** A pack as it travels: serialised and read back. */
const roundTrip = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe("verifyPack", () => {
  it("an untouched pack is intact: every event, and the template matches its digest", () => {
    const verdict = verifyPack(roundTrip(pack()));
    expect(verdict).toMatchObject({ status: "checked", ok: true, chain: { ok: true, events: 5, chains: 1 }, template: { ok: true }, signOffs: [] });
  });

  it("sign-offs are checked against the audit events that recorded them", () => {
    const edited = pack();
    edited.signOffs[0]!.comment = "all 5 events seen";
    edited.signOffs[0]!.revokeReason = "no reason";
    const verdict = verifyPack(roundTrip(edited));
    expect(verdict).toMatchObject({ status: "checked", ok: false, chain: { ok: true } });
    if (verdict.status !== "checked") throw new Error("expected a checked pack");
    expect(verdict.signOffs).toEqual([
      'sign-off of Release manager approval for staging by rm@example.com: comment is "all 5 events seen" in the pack, but its audit event #107 recorded null',
      'sign-off of Release manager approval for staging by rm@example.com: the revocation reason is "no reason" in the pack, but its audit event #110 recorded "wrong build"',
    ]);

    const otherSigner = pack();
    otherSigner.signOffs[0]!.userId = "someone-else";
    expect(verifyPack(roundTrip(otherSigner))).toMatchObject({ ok: false, signOffs: [expect.stringContaining("the signer is")] });

    const unrecorded = pack();
    unrecorded.signOffs.push({ ...unrecorded.signOffs[0]!, id: "s-2", revokedAt: null, revokedById: null, revokedBy: null, revokeReason: null });
    expect(verifyPack(roundTrip(unrecorded))).toMatchObject({ ok: false, signOffs: [expect.stringContaining("no signoff.created audit event records it")] });

    // Evidence: the file's digest in the pack must be the one the event recorded.
    const withFile = pack(
      chained(EVENTS.map((e) => (e.action === "signoff.created" ? { ...e, after: { ...(e.after as object), evidence: { id: "f-1", filename: "ws.har", sha256: "a".repeat(64) } } } : e))),
    );
    const file = { id: "f-1", filename: "ws.har", contentType: "application/json", size: 10, sha256: "a".repeat(64), uploadedBy: "rm@example.com", createdAt: "2026-11-28T10:02:00.000Z" };
    withFile.signOffs[0]!.evidence = file;
    expect(verifyPack(roundTrip(signed(withFile)))).toMatchObject({ ok: true });
    // Even signed by the server (a sign-off row edited in its database), the disagreement shows.
    withFile.signOffs[0]!.evidence = { ...file, sha256: "b".repeat(64) };
    expect(verifyPack(roundTrip(signed(withFile)))).toMatchObject({ ok: false, signature: { ok: true }, signOffs: [expect.stringContaining("the evidence file's sha256")] });
  });

  it("an edited `after` is reported at that event, with its action and id", () => {
    const edited = pack();
    edited.audit.events[2]!.after = { signOff: "s-1", environment: "production", commit: "abcdef1234567890", role: "release-manager", comment: null };
    const verdict = verifyPack(roundTrip(edited));
    expect(verdict).toMatchObject({ status: "checked", ok: false, chain: { ok: false, broken: { position: 3, of: 5, id: "107", action: "signoff.created", problem: "changed" } } });
    if (verdict.status !== "checked" || verdict.chain.ok) throw new Error("expected a broken chain");
    expect(verdict.chain.broken.message).toMatch(/^broken at event 3 \(signoff\.created\): event #107 .* was changed after it was recorded$/);
  });

  it("a removed event is reported at the event after the gap", () => {
    const removed = pack();
    removed.audit.events.splice(1, 1);
    const verdict = verifyPack(roundTrip(removed));
    expect(verdict).toMatchObject({ ok: false, chain: { ok: false, broken: { position: 2, action: "signoff.created", problem: "unlinked" } } });
    if (verdict.status !== "checked" || verdict.chain.ok) throw new Error("expected a broken chain");
    expect(verdict.chain.broken.message).toContain("an event was removed, inserted or reordered");
  });

  it("events are read in id order: shuffling the array keeps the chain intact (the signature still sees the edit), swapping ids is a reorder and breaks the chain", () => {
    const shuffled = pack();
    shuffled.audit.events.reverse();
    expect(verifyPack(roundTrip(shuffled))).toMatchObject({ ok: false, chain: { ok: true }, checkpoints: { ok: true }, signature: { ok: false, changed: ["audit"] } });
    expect(verifyPack(roundTrip(signed(shuffled)))).toMatchObject({ ok: true });

    const swapped = pack();
    const [a, b] = [swapped.audit.events[1]!, swapped.audit.events[2]!];
    [a.id, b.id] = [b.id, a.id];
    expect(verifyPack(roundTrip(swapped))).toMatchObject({ ok: false, chain: { broken: { position: 2, action: "signoff.created", problem: "unlinked" } } });
  });

  it("a forged hash recomputed for the edited event is caught at the next event", () => {
    const forged = pack();
    const target = forged.audit.events[1]!;
    target.after = { delivery: "d1", source: "json", count: 0, commit: "abcdef1234567890", environment: "staging", run: { id: "77" } };
    target.hash = eventHash(target.prevHash, target);
    const verdict = verifyPack(roundTrip(forged));
    expect(verdict).toMatchObject({ ok: false, chain: { broken: { position: 3, id: "107", action: "signoff.created", problem: "unlinked" } } });
    if (verdict.status !== "checked" || verdict.chain.ok) throw new Error("expected a broken chain");
    expect(verdict.chain.broken.message).toContain("or the one before it was rewritten");
  });

  it("a template definition that no longer matches its digest fails the pack", () => {
    const changed = pack();
    changed.template.definition = { ...definition, name: "deploy-lite" };
    expect(verifyPack(roundTrip(changed))).toMatchObject({ status: "checked", ok: false, chain: { ok: true }, template: { ok: false } });
  });

  it("each chain is checked on its own: project events beside release events are not a break", () => {
    const release = chained(EVENTS);
    const project = chained([{ releaseId: null, action: "token.created", targetType: "token" }, { releaseId: null, action: "member.added", targetType: "user" }], 102);
    const report = checkChains([...release, ...project]);
    expect(report).toEqual({ ok: true, events: 7, chains: 2 });
    project[1]!.after = { role: "admin" };
    const broken = checkChains([...release, ...project]);
    expect(broken).toMatchObject({ ok: false, broken: { chain: `project:${PROJECT}`, position: 2, action: "member.added" } });
    if (broken.ok) throw new Error("expected a broken chain");
    expect(broken.broken.message).toMatch(/^broken at event 2 of chain project:/);
  });

  it("what is not a pack is invalid, with the reason", () => {
    expect(verifyPack(null)).toEqual({ status: "invalid", issues: ["(the document): not a JSON object"] });
    expect(verifyPack([1, 2])).toMatchObject({ status: "invalid" });
    expect(verifyPack({ results: [] })).toMatchObject({ status: "invalid", issues: [expect.stringContaining("not a Shipcheck evidence pack")] });
    expect(verifyPack({ ...pack(), formatVersion: 1 })).toMatchObject({ status: "invalid", issues: ["formatVersion: this shipcheck reads version 2, the pack is version 1 (made before packs were signed: export it again from the server)"] });
    expect(verifyPack({ ...pack(), formatVersion: 3 })).toMatchObject({ status: "invalid", issues: ["formatVersion: this shipcheck reads version 2, the pack is version 3"] });
    const unsigned = roundTrip(pack()) as Record<string, unknown>;
    delete unsigned.signature;
    expect(verifyPack(unsigned)).toMatchObject({ status: "invalid", issues: ["signature: Invalid input: expected object, received undefined"] });
    const badKey = roundTrip(pack()) as EvidencePack;
    badKey.signingKey.publicKey = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----";
    expect(verifyPack(badKey)).toMatchObject({ status: "invalid", issues: [expect.stringMatching(/^signingKey\.publicKey: not a readable public key/)] });

    const noAudit = roundTrip(pack()) as Record<string, unknown>;
    delete noAudit.audit;
    expect(verifyPack(noAudit)).toMatchObject({ status: "invalid", issues: ["audit: Invalid input: expected object, received undefined"] });

    const badId = pack();
    badId.audit.events[0]!.id = "1e3";
    expect(verifyPack(roundTrip(badId))).toMatchObject({ status: "invalid", issues: ["audit.events.0.id: an audit event id is a decimal number"] });

    // A field the chain does not cover has no place in an event.
    const extra = roundTrip(pack()) as EvidencePack;
    (extra.audit.events[0] as Record<string, unknown>).note = "added later";
    expect(verifyPack(extra)).toMatchObject({ status: "invalid", issues: [expect.stringMatching(/^audit\.events\.0: Unrecognized key/)] });
  });
});

describe("inIdOrder", () => {
  it("compares 64-bit ids exactly", () => {
    const ids = ["9007199254740993", "9007199254740992", "10", "9"];
    expect(inIdOrder(ids.map((id) => ({ id }))).map((e) => e.id)).toEqual(["9", "10", "9007199254740992", "9007199254740993"]);
  });
});

describe("describeAuditEvent", () => {
  const context = { itemTitles: { "release-approval": "Release manager approval" }, signOffs: { "s-1": { item: "release-approval", environment: "staging", by: "rm@example.com" } } };
  const lines = () => chained(EVENTS).map((e) => describeAuditEvent(e, context));

  it("reads like a sentence for each recorded action", () => {
    expect(lines()).toEqual([
      "created release v1.0.0 at commit abcdef123456 from checklist deploy v1",
      "reported 2 results (json) for staging, run 77",
      "signed off Release manager approval for staging",
      "revoked rm@example.com's sign-off of Release manager approval for staging: “wrong build”",
      "ticked step 1 of Release manager approval for staging: “Read the notes”",
    ]);
    expect(describeAuditEvent({ action: "metrics.recorded", targetType: "release", targetId: null, before: null, after: { environment: null, metrics: [{ name: "events_per_sec", value: 812, unit: "events/s" }] } }, context)).toBe(
      "reported events_per_sec = 812 events/s for every environment",
    );
    expect(
      describeAuditEvent(
        { action: "metrics.queried", targetType: "release", targetId: null, before: null, after: { readings: [{ metric: "ws_per_min", environment: null, query: "sum(x)", value: 720, error: null }, { metric: "pairing", environment: "production", query: "sum(y)", value: null, error: "the query returned no sample" }] } },
        context,
      ),
    ).toBe("read ws_per_min = 720, pairing for production = no value (the query returned no sample) from Prometheus");
    expect(describeAuditEvent({ action: "deployment.recorded", targetType: "release", targetId: null, before: { status: "ready" }, after: { environment: "production", commit: "abcdef1234567890", overridden: true } }, context)).toBe(
      "recorded a deploy to production at commit abcdef123456 with the gate overridden (release was ready)",
    );
  });

  it("overrides, commit changes, rollback decisions and evidence are put in words", () => {
    const line = (action: string, before: unknown, after: unknown, targetId: string | null = null) =>
      describeAuditEvent({ action, targetType: "gate", targetId, before, after }, context);
    expect(line("gate.overridden", { open: false, blocking: [{}, {}] }, { environment: "production", reason: "hotfix for an outage" }, "production")).toBe(
      "overrode the production gate (2 blocking items): “hotfix for an outage”",
    );
    expect(line("gate.override_lifted", { reason: "hotfix", by: "admin@example.com" }, {}, "production")).toBe("lifted the override of the production gate (given by admin@example.com: “hotfix”)");
    expect(line("release.commit_changed", { commit: "a".repeat(40) }, { commit: "b".repeat(40), staleSignOffs: 2, liftedOverrides: [{}] })).toBe(
      `moved the release to commit ${"b".repeat(12)} (was ${"a".repeat(12)}); 2 sign-offs now stale; 1 override lifted`,
    );
    expect(line("rollback.rolled_back", {}, { environment: "production", toVersion: "v0.9.0", reason: "errors up" })).toBe("decided to roll back production to v0.9.0: “errors up”");
    expect(line("rollback.kept", {}, { environment: "production", reason: "alert was noise" })).toBe("decided to keep the release on production despite the rollback recommendation: “alert was noise”");
    expect(
      describeAuditEvent(
        { action: "signoff.created", targetType: "item", targetId: "release-approval", before: null, after: { environment: "staging", comment: null, evidenceUrl: "https://grafana.example/d/1", evidence: { filename: "ws.har", sha256: "ab" } } },
        context,
      ),
    ).toBe("signed off Release manager approval for staging (evidence: file ws.har, link https://grafana.example/d/1)");
  });

  it("rejections and assignments read as what a person did", () => {
    expect(
      describeAuditEvent({ action: "item.rejected", targetType: "item", targetId: "release-approval", before: null, after: { environment: "staging", commit: "abc1234def5678", reason: "rota has a gap" } }, context),
    ).toBe("rejected Release manager approval for staging at commit abc1234def56: “rota has a gap”");
    expect(describeAuditEvent({ action: "item.assigned", targetType: "item", targetId: "release-approval", before: { assignee: null }, after: { assignee: "u-1", name: "Dana" } }, context)).toBe(
      "assigned Release manager approval to Dana",
    );
    expect(describeAuditEvent({ action: "item.unassigned", targetType: "item", targetId: "release-approval", before: { assignee: "u-1" }, after: { assignee: null } }, context)).toBe(
      "unassigned Release manager approval",
    );
  });

  it("unknown actions still read sensibly, and odd payloads never throw", () => {
    expect(describeAuditEvent({ action: "gate.override_created", targetType: "release", targetId: null, before: null, after: { environment: "production", reason: "hotfix" } }, context)).toBe(
      "gate override created for production, reason: “hotfix”",
    );
    expect(describeAuditEvent({ action: "evidence.uploaded", targetType: "item", targetId: "release-approval", before: null, after: { filename: "ws.har" } }, context)).toBe(
      "evidence uploaded Release manager approval file ws.har",
    );
    for (const after of [null, 5, "x", [], { count: "many", metrics: "no", step: "two", run: 3 }]) {
      for (const action of ["release.created", "results.recorded", "metrics.recorded", "signoff.created", "signoff.revoked", "step.ticked", "deployment.recorded", "gate.overridden", "gate.override_lifted", "release.commit_changed", "rollback.rolled_back", "rollback.kept", "item.rejected", "item.assigned", "item.unassigned", "x"]) {
        expect(typeof describeAuditEvent({ action, targetType: "item", targetId: null, before: after, after }, context)).toBe("string");
      }
    }
  });
});

describe("chainCheckOf", () => {
  it("states verifyChain's fields, with brokenAt indexing the id-ordered events and the reason in words", () => {
    const events = chained(EVENTS);
    const checkpoints = [checkpointOf(events, 2), checkpointOf(events)];
    expect(chainCheckOf(events, checkpoints, server.publicKey)).toEqual({ ok: true, events: 5, checkpoints: 2, signedEvents: 5 });
    expect(chainCheckOf(events, [], server.publicKey)).toEqual({ ok: true, events: 5, checkpoints: 0, signedEvents: 0 });
    events[3]!.after = { reason: "edited" };
    expect(chainCheckOf([...events].reverse(), checkpoints, server.publicKey)).toEqual({
      ok: false,
      events: 5,
      brokenAt: 3,
      reason: expect.stringMatching(/^broken at event 4 \(signoff\.revoked\): event #110 /),
      // The checkpoints compare stored hashes, which were left alone: the chain's check finds the edit.
      checkpoints: 2,
      signedEvents: 5,
    });
  });

  it("an intact chain that contradicts a checkpoint is broken, naming the checkpoint and without a brokenAt", () => {
    const events = chained(EVENTS);
    const checkpoints = [checkpointOf(events, 2, server.privateKey, "7"), checkpointOf(events, 5, server.privateKey, "9")];
    // The last two events dropped: every link of what is left holds.
    expect(chainCheckOf(events.slice(0, 3), checkpoints, server.publicKey)).toEqual({
      ok: false,
      events: 3,
      reason: expect.stringMatching(/^checkpoint #9 \(.*, 5 events up to #113\): the chain has only 3 events: 2 events were removed from its end/),
      checkpoints: 2,
      signedEvents: 2,
      checkpoint: "9",
    });
    // Checked with another key, the same checkpoints are not the instance's.
    const other = generateKeyPairSync("ed25519").publicKey;
    expect(chainCheckOf(events, checkpoints, other)).toMatchObject({ ok: false, checkpoint: "7", reason: expect.stringContaining(`not ${keyIdOf(other)}`) });
  });
});

describe("signatures and checkpoints in the pack", () => {
  const other = generateKeyPairSync("ed25519");
  const edit = (change: (p: EvidencePack) => void) => {
    const copy = roundTrip(pack()) as EvidencePack;
    change(copy);
    return copy;
  };

  it("an untouched pack checked with the server's key is authenticated; without a key it is only self-consistent", () => {
    expect(verifyPack(roundTrip(pack()), { key: server.publicKey })).toMatchObject({
      status: "checked",
      ok: true,
      authenticated: true,
      key: { source: "given", keyId: keyIdOf(server.publicKey), sameAsPack: true },
      signature: { ok: true },
      checkpoints: { ok: true, checked: 1, signedEvents: 5 },
    });
    expect(verifyPack(roundTrip(pack()))).toMatchObject({ ok: true, authenticated: false, key: { source: "pack", keyId: keyIdOf(server.publicKey) } });
  });

  it("an edited result, gate or deployment fails the signature, naming the section", () => {
    const withRows = signed({
      ...pack(),
      results: [{ key: "tests/smoke/test_api.py::test_health", status: "failed", message: "boom", durationMs: 12, commit: "abcdef1234567890", environment: "staging", runId: "77", runUrl: null, startedAt: null, reportedAt: "2026-11-28T10:01:00.000Z", source: "json", deliveryId: "d1" }],
      deployments: [{ environment: "staging", commit: "abcdef1234567890", overridden: true, deployedBy: "token:ci", deployedAt: "2026-11-28T10:03:00.000Z" }],
    });
    expect(verifyPack(roundTrip(withRows), { key: server.publicKey })).toMatchObject({ ok: true });
    const cases: [string, (p: EvidencePack) => void][] = [
      ["results", (p) => (p.results[0]!.status = "passed")],
      ["gates", (p) => (p.gates.staging!.open = true)],
      ["deployments", (p) => (p.deployments[0]!.overridden = false)],
      ["generatedAt", (p) => (p.generatedAt = "2026-11-29T11:00:00.000Z")],
    ];
    for (const [section, change] of cases) {
      const copy = roundTrip(withRows) as EvidencePack;
      change(copy);
      const verdict = verifyPack(copy, { key: server.publicKey });
      expect(verdict, section).toMatchObject({ ok: false, authenticated: false, chain: { ok: true }, signature: { ok: false, problem: "changed", changed: [section] } });
      if (verdict.status !== "checked" || verdict.signature.ok) throw new Error("expected a failed signature");
      expect(verdict.signature.message).toBe(`changed after the server signed the pack: ${section}`);
    }
    // A section removed is refused by the shape; an altered signature does not verify.
    const tampered = edit((p) => (p.signature.digest = "0".repeat(64)));
    expect(verifyPack(tampered, { key: server.publicKey })).toMatchObject({ ok: false, signature: { ok: false, problem: "invalid" } });
  });

  it("events dropped from the end: the last checkpoint counts more, and the signature names the audit section", () => {
    const dropped = edit((p) => p.audit.events.splice(3));
    const verdict = verifyPack(dropped, { key: server.publicKey });
    expect(verdict).toMatchObject({ ok: false, chain: { ok: true, events: 3 }, checkpoints: { ok: false, checkpoint: { events: 5 } }, signature: { ok: false, changed: ["audit"] } });
    // Re-signed by the server (its database cut short before the export): the checkpoint still says so.
    expect(verifyPack(roundTrip(signed(dropped)), { key: server.publicKey })).toMatchObject({ ok: false, signature: { ok: true }, checkpoints: { ok: false, message: expect.stringContaining("the chain has only 3 events") } });
  });

  it("a correctly hashed event inserted before the checkpoint, the rest re-hashed, is caught by the checkpoint", () => {
    const forgedEvents = chained([...EVENTS.slice(0, 2), { action: "signoff.created", targetType: "item", targetId: "release-approval", actorLabel: "ghost@example.com", after: { signOff: "s-9", environment: "production" } }, ...EVENTS.slice(2)]);
    const forged = roundTrip(pack()) as EvidencePack;
    forged.audit.events = forgedEvents;
    const verdict = verifyPack(roundTrip(signed(forged)), { key: server.publicKey });
    expect(verdict).toMatchObject({ ok: false, chain: { ok: true, events: 6 }, signature: { ok: true }, checkpoints: { ok: false } });
    if (verdict.status !== "checked" || verdict.checkpoints.ok) throw new Error("expected a failed checkpoint");
    expect(verdict.checkpoints.message).toMatch(/event 5 of the chain is #113 with hash \w+, but the signed one was #113 with hash \w+: events up to it were inserted, removed or rewritten/);
  });

  it("a pack rewritten and re-signed with another key passes only without --key; the server's key refuses it", () => {
    const events = chained(EVENTS.map((e) => (e.action === "signoff.revoked" ? { ...e, after: { signOff: "s-1", revokedAt: "2026-11-28T10:05:00.000Z", reason: "changed my mind" } } : e)));
    const rewritten = unsignedPack(events);
    rewritten.signOffs[0]!.revokeReason = "changed my mind";
    rewritten.audit.checkpoints = [checkpointOf(events, 5, other.privateKey)];
    const forged = roundTrip(signed(rewritten, other.privateKey));
    expect(verifyPack(forged)).toMatchObject({ ok: true, authenticated: false, key: { source: "pack", keyId: keyIdOf(other.publicKey) } });
    const verdict = verifyPack(forged, { key: server.publicKey });
    expect(verdict).toMatchObject({
      ok: false,
      key: { source: "given", keyId: keyIdOf(server.publicKey), packKeyId: keyIdOf(other.publicKey), sameAsPack: false },
      signature: { ok: false, problem: "other-key" },
      checkpoints: { ok: false, message: expect.stringContaining(`it is signed by key ${keyIdOf(other.publicKey)}, not ${keyIdOf(server.publicKey)}`) },
    });
    // The honest pack checked with a wrong key is refused the same way.
    expect(verifyPack(roundTrip(pack()), { key: other.publicKey })).toMatchObject({ ok: false, signature: { ok: false, problem: "other-key" }, checkpoints: { ok: false } });
  });
});

describe("reasonDetail", () => {
  it("drops the headline's lead and starts with a capital", () => {
    expect(reasonDetail("broken at event 2 (signoff.created): event #16 (2026) no longer matches")).toBe("Event #16 (2026) no longer matches");
    expect(reasonDetail("broken at event 3 of chain project:x (member.added): event #9 points at")).toBe("Event #9 points at");
  });
});
