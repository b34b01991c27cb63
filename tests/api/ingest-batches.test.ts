// Reports of one release that arrive together are stored together (docs/decisions/021): each one
// is still answered with its own delivery, stored exactly once, audited by its own event in an
// unbroken chain, and the gate decides as it would on every stored result.
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { evaluateGate, type GateResult } from "@/lib/gate";
import { keptResults, keptRunOf, tallyRuns } from "@/lib/gate/tally";
import { loadGateInput } from "@/lib/server/load-gate-input";
import { findProject, findProjectRelease, findRelease } from "@/lib/server/lookup";
import { makeProject, randomSha } from "../support/fixtures";
import { api } from "../support/http";
import { releaseRow } from "../support/db-state";

const TEMPLATE = `name: batches
sections:
  - title: Before
    phase: pre-deploy
    items:
      - { key: shards, title: Every shard, kind: check, patterns: ["tests/shard/"] }
      - { key: smoke, title: Smoke, kind: check, patterns: ["tests/smoke/*"] }
`;

type Project = Awaited<ReturnType<typeof makeProject>>;
const base = (p: Project) => `/api/v1/projects/${p.slug}/releases/${p.version}`;
const post = (p: Project, body: unknown, headers?: Record<string, string>) => api(`${base(p)}/results`, { token: p.token, json: body, headers });

type Trail = { events: { action: string; createdAt: string; after: { delivery?: string } | null }[]; chain: { ok: boolean; events: number } };

async function trail(p: Project): Promise<Trail> {
  const response = await api<Trail>(`${base(p)}/audit`, { token: p.token });
  expect(response.status).toBe(200);
  return response.body;
}

describe("reports that arrive together", () => {
  it("a report refused in a batch gets its own error, as it would alone; the others are stored", async () => {
    const p = await makeProject({ template: TEMPLATE });
    const other = await makeProject({ template: TEMPLATE });
    const good = (n: number) => ({ environment: "staging", results: [{ key: `tests/shard/test_${n}.py::test_a`, status: "passed" }] });
    const sent = await Promise.all([
      ...Array.from({ length: 12 }, (_, n) => post(p, good(n))),
      post(p, { environment: "nowhere", results: [{ key: "tests/shard/x.py::t", status: "passed" }] }),
      post(p, { environment: "staging", results: [{ key: "tests/shard/d.py::t", status: "passed" }, { key: "tests/shard/d.py::t", status: "failed" }] }),
      api(`${base(p)}/results`, { token: other.token, json: good(99) }),
      api(`/api/v1/projects/${p.slug}/releases/no-such-version/results`, { token: p.token, json: good(98) }),
    ]);
    for (const r of sent.slice(0, 12)) expect(r.status, JSON.stringify(r.body)).toBe(201);
    const [environment, twice, foreign, missing] = sent.slice(12);
    expect(environment!.status).toBe(422);
    expect(environment!.body.error.message).toContain('unknown environment "nowhere"');
    expect(twice!.status).toBe(422);
    expect(twice!.body.error.message).toContain("appears twice");
    // Another project's token learns nothing of this project: 404, as alone.
    expect(foreign!.status).toBe(404);
    expect(missing!.status).toBe(404);
    expect(missing!.body.error.message).toContain('release "no-such-version"');
    const { releaseId } = await releaseRow(p.slug, p.version);
    expect(await db().result.count({ where: { releaseId } })).toBe(12);
    expect((await trail(p)).chain).toMatchObject({ ok: true, events: 13 });
  });

  it("results and other writes to the release's chain at once all succeed, each with one event, the chain intact", async () => {
    const p = await makeProject({ template: TEMPLATE });
    const writes = Array.from({ length: 30 }, (_, n) =>
      n % 3 === 0
        ? api(`${base(p)}/metrics`, { token: p.token, json: { environment: "staging", metrics: [{ name: "events_per_sec", value: 800 + n }] } })
        : post(p, { environment: "staging", results: [{ key: `tests/shard/test_${n}.py::test_a`, status: "passed" }] }),
    );
    const responses = await Promise.all(writes);
    for (const r of responses) expect(r.status, JSON.stringify(r.body)).toBe(201);
    const { events, chain } = await trail(p);
    expect(chain).toMatchObject({ ok: true, events: 31 });
    expect(events.filter((e) => e.action === "results.recorded")).toHaveLength(20);
    expect(events.filter((e) => e.action === "metrics.recorded")).toHaveLength(10);
  });

  it("40 shards at once: 40 deliveries, each stored once with its own event, the chain intact, the tallies and the gate as on every result", async () => {
    const p = await makeProject({ template: TEMPLATE });
    const shards = Array.from({ length: 40 }, (_, n) => ({
      environment: "staging",
      run: { id: `shard-${n}`, url: `https://ci.example/run/${n}` },
      results: [
        { key: `tests/shard/test_${n}.py::test_a`, status: n === 17 ? "failed" : "passed", message: n === 17 ? "AssertionError: 17" : undefined },
        { key: `tests/shard/test_${n}.py::test_b`, status: "passed" },
      ],
    }));
    const responses = await Promise.all(shards.map((body) => post(p, body)));
    for (const r of responses) expect(r.status, JSON.stringify(r.body)).toBe(201);
    const deliveries = responses.map((r) => r.body.delivery as string);
    expect(new Set(deliveries).size).toBe(40);
    for (const r of responses) expect(r.body).toMatchObject({ accepted: 2, matched: [{ item: "shards", results: 2 }], unmatchedCount: 0 });

    // Every delivery's own results, with its own run, exactly once.
    const { releaseId } = await releaseRow(p.slug, p.version);
    const rows = await db().result.findMany({ where: { releaseId }, select: { key: true, deliveryId: true, runId: true, runUrl: true } });
    expect(rows).toHaveLength(80);
    for (const [n, delivery] of deliveries.entries()) {
      const mine = rows.filter((r) => r.deliveryId === delivery);
      expect(mine.map((r) => r.key).sort()).toEqual([`tests/shard/test_${n}.py::test_a`, `tests/shard/test_${n}.py::test_b`]);
      expect(mine.every((r) => r.runId === `shard-${n}` && r.runUrl === `https://ci.example/run/${n}`)).toBe(true);
    }
    expect(await db().rawPayload.count({ where: { releaseId } })).toBe(40);

    // One event per report, in an unbroken chain; some were stored in one go (the same instant).
    const audit = await trail(p);
    const recorded = audit.events.filter((e) => e.action === "results.recorded");
    expect(recorded.map((e) => e.after?.delivery).sort()).toEqual([...deliveries].sort());
    expect(audit.chain).toMatchObject({ ok: true, events: 41 });
    expect(new Set(recorded.map((e) => e.createdAt)).size).toBeLessThan(40);

    // The tallies equal those counted from scratch; the gate counts all 80, one failed.
    const release = await db().release.findUniqueOrThrow({ where: { id: releaseId } });
    const { input } = await loadGateInput(release, ["staging", "production"]);
    const every = (await db().result.findMany({ where: { releaseId } })).map((r) => ({ ...r, status: r.status as GateResult["status"] }));
    const stored = await db().checkTally.findMany({ where: { releaseId } });
    const scratch = tallyRuns(input.items, ["staging", "production"], keptResults(every).map(keptRunOf));
    const counts = (t: { item: string; place: string; passed: number; failed: number }) => `${t.item} ${t.place} ${t.passed}/${t.failed}`;
    expect(stored.filter((t) => t.passed + t.failed + t.flaky + t.skipped > 0).map(counts).sort()).toEqual(scratch.map(counts).sort());
    expect(evaluateGate(input, "staging")).toEqual(evaluateGate({ ...input, results: every, tallies: undefined }, "staging"));
    const gate = await api(`${base(p)}/gate?environment=staging`, { token: p.token });
    expect(gate.body.blocking.find((b: { item: string }) => b.item === "shards")).toMatchObject({ reason: "failed", detail: "1 of 80 tests failed" });

  });

  it("the same Idempotency-Key sent 10 times at once is stored once; every answer is that delivery, nine replayed", async () => {
    const p = await makeProject({ template: TEMPLATE });
    const body = { environment: "staging", results: [{ key: "tests/smoke/test_a.py::test_ok", status: "passed" }] };
    const key = `once-${randomSha().slice(0, 8)}`;
    const responses = await Promise.all(Array.from({ length: 10 }, () => post(p, body, { "idempotency-key": key })));
    // One app: a batch is stored after the one before it committed, so every retry finds the answer.
    for (const r of responses) expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(responses.filter((r) => r.headers.get("idempotent-replayed") === "true")).toHaveLength(9);
    expect(new Set(responses.map((r) => r.body.delivery)).size).toBe(1);
    const { releaseId } = await releaseRow(p.slug, p.version);
    expect(await db().result.count({ where: { releaseId } })).toBe(1);
    expect((await trail(p)).events.filter((e) => e.action === "results.recorded")).toHaveLength(1);
  });

  it("reports for two commits and for no environment at once: each counts where it belongs", async () => {
    const p = await makeProject({ template: TEMPLATE });
    const other = randomSha();
    const bodies = [
      ...Array.from({ length: 10 }, (_, n) => ({ environment: "staging", results: [{ key: `tests/shard/s_${n}.py::t`, status: "passed" }] })),
      ...Array.from({ length: 10 }, (_, n) => ({ commit: other, environment: "staging", results: [{ key: `tests/shard/o_${n}.py::t`, status: "failed" }] })),
      ...Array.from({ length: 10 }, (_, n) => ({ results: [{ key: `tests/smoke/n_${n}.py::t`, status: "passed" }] })),
    ];
    const responses = await Promise.all(bodies.map((b) => post(p, b)));
    for (const r of responses) expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(responses.slice(10, 20).every((r) => r.body.countsForRelease === false && r.body.commit === other)).toBe(true);
    // No environment: the answer carries every environment's gate.
    expect(Object.keys(responses[25]!.body.gate).sort()).toEqual(["production", "staging"]);
    expect(Object.keys(responses[5]!.body.gate)).toEqual(["staging"]);
    for (const environment of ["staging", "production"]) {
      const gate = await api(`${base(p)}/gate?environment=${environment}`, { token: p.token });
      expect(gate.body.open, JSON.stringify(gate.body.blocking)).toBe(environment === "staging");
    }
    expect((await trail(p)).chain).toMatchObject({ ok: true, events: 31 });
  });

  it("ingest's one-round-trip lookup returns exactly what the two lookups return, and null when either is missing", async () => {
    const p = await makeProject({ template: TEMPLATE });
    // A locked project has every kind of column set.
    await db().project.update({ where: { slug: p.slug }, data: { lockedAt: new Date("2026-01-02T03:04:05.006Z"), lockedBy: "someone", lockedReason: "freeze" } });
    const project = await findProject(p.slug);
    const release = await findRelease(project.id, p.version);
    expect(await findProjectRelease(p.slug, p.version)).toEqual({ project, release });
    await db().project.update({ where: { slug: p.slug }, data: { lockedAt: null, lockedBy: null, lockedReason: null } });
    expect(await findProjectRelease(p.slug, p.version)).toEqual({ project: await findProject(p.slug), release });
    expect(await findProjectRelease(p.slug, "no-such-version")).toBeNull();
    expect(await findProjectRelease("no-such-project", p.version)).toBeNull();
    expect(await findProjectRelease(p.slug, "v\u0000")).toBeNull();
  });
});
