// Delivery semantics: Idempotency-Key replays, concurrent duplicate deliveries, rate limits and
// raw payloads kept for audit.
import { createHash } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { loadTokenPrincipal } from "@/lib/auth/principal";
import { hashToken } from "@/lib/auth/tokens";
import { db } from "@/lib/db/client";
import { findProject, findRelease } from "@/lib/server/lookup";
import { rateLimitPerMinute } from "@/lib/server/rate-limit";
import { makeProject } from "../support/fixtures";
import { api } from "../support/http";

type Project = Awaited<ReturnType<typeof makeProject>>;

const resultsPath = (p: Project) => `/api/v1/projects/${p.slug}/releases/${p.version}/results`;

async function releaseId(p: Project): Promise<string> {
  const project = await db().project.findUniqueOrThrow({ where: { slug: p.slug } });
  return (await db().release.findUniqueOrThrow({ where: { projectId_version: { projectId: project.id, version: p.version } } })).id;
}

function batch(n: number, size: number) {
  return { environment: "staging", results: Array.from({ length: size }, (_, i) => ({ key: `tests/smoke/test_${n}_${i}.py::test_ok`, status: "passed" })) };
}

describe("Idempotency-Key", () => {
  it("replays the first response for the same key and body, storing nothing twice", async () => {
    const p = await makeProject();
    const body = batch(1, 3);
    const first = await api(resultsPath(p), { token: p.token, json: body, headers: { "idempotency-key": "run-42-attempt" } });
    expect(first.status).toBe(201);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const again = await api(resultsPath(p), { token: p.token, json: body, headers: { "idempotency-key": "run-42-attempt" } });
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(first.body);
    expect(await db().result.count({ where: { releaseId: await releaseId(p) } })).toBe(3);
    expect(await db().auditEvent.count({ where: { releaseId: await releaseId(p), action: "results.recorded" } })).toBe(1);
  });

  it("refuses the same key with a different body (422) and stores nothing", async () => {
    const p = await makeProject();
    await api(resultsPath(p), { token: p.token, json: batch(1, 2), headers: { "idempotency-key": "k1" } });
    const other = await api(resultsPath(p), { token: p.token, json: batch(2, 2), headers: { "idempotency-key": "k1" } });
    expect(other.status).toBe(422);
    expect(other.body.error.message).toMatch(/already used for a different request/);
    expect(await db().result.count({ where: { releaseId: await releaseId(p) } })).toBe(2);
  });

  it("keys are per caller: another token may use the same key", async () => {
    const p = await makeProject();
    const { makeToken } = await import("../support/fixtures");
    const second = await makeToken(p.slug);
    expect((await api(resultsPath(p), { token: p.token, json: batch(1, 1), headers: { "idempotency-key": "shared" } })).status).toBe(201);
    const mine = await api(resultsPath(p), { token: second, json: batch(2, 1), headers: { "idempotency-key": "shared" } });
    expect(mine.status).toBe(201);
    expect(mine.headers.get("idempotent-replayed")).toBeNull();
  });

  it("20 clients posting 1,000 results with 10% duplicate deliveries leave exactly 1,000 rows", async () => {
    const p = await makeProject();
    const batches = Array.from({ length: 50 }, (_, n) => ({ key: `delivery-${n}`, body: batch(n, 20) }));
    // Every tenth delivery is sent twice, as a retrying CI would.
    const deliveries = [...batches, ...batches.filter((_, n) => n % 10 === 0)];
    const queue = [...deliveries];
    const statuses: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          const response = await api(resultsPath(p), { token: p.token, json: next.body, headers: { "idempotency-key": next.key } });
          statuses.push(response.status);
        }
      }),
    );
    // A duplicate that arrives while its twin is still being written may be told to retry (409).
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(50);
    const id = await releaseId(p);
    expect(await db().result.count({ where: { releaseId: id } })).toBe(1000);
    const distinct = await db().result.groupBy({ by: ["key"], where: { releaseId: id } });
    expect(distinct).toHaveLength(1000);
    expect(await db().auditEvent.count({ where: { releaseId: id, action: "results.recorded" } })).toBe(50);
  });
});

describe("rate limit", () => {
  it("says on every counted answer how much of the minute's budget is left, errors included", async () => {
    const p = await makeProject();
    const first = await api(resultsPath(p), { token: p.token, json: batch(1, 1) });
    const second = await api(resultsPath(p), { token: p.token, json: { results: [] } });
    expect(first.status).toBe(201);
    expect(second.status).toBe(422);
    for (const response of [first, second]) {
      expect(response.headers.get("ratelimit-limit")).toBe(String(rateLimitPerMinute()));
      const reset = Number(response.headers.get("ratelimit-reset"));
      expect(reset).toBeGreaterThanOrEqual(1);
      expect(reset).toBeLessThanOrEqual(60);
    }
    const left = (r: typeof first) => Number(r.headers.get("ratelimit-remaining"));
    // One request fewer left, unless a new minute began between the two.
    if (Number(second.headers.get("ratelimit-reset")) <= Number(first.headers.get("ratelimit-reset"))) expect(left(second)).toBe(left(first) - 1);
    // Requests that are not counted carry none.
    expect((await api(`/api/v1/projects/${p.slug}/releases/${p.version}/gate?environment=staging`, { token: p.token })).headers.get("ratelimit-limit")).toBeNull();
  });

  it("answers 429 with Retry-After once a token's budget for the minute is spent, and stores nothing", async () => {
    const p = await makeProject();
    const token = await db().apiToken.findUniqueOrThrow({ where: { hash: hashToken(p.token) } });
    const windowStart = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    await db().rateLimitWindow.create({ data: { subject: `token:${token.id}`, windowStart, count: rateLimitPerMinute() } });
    const limited = await api(resultsPath(p), { token: p.token, json: batch(1, 1) });
    // A minute boundary may pass between the insert and the request; then the budget is fresh.
    if (Math.floor(Date.now() / 60_000) * 60_000 !== windowStart.getTime() && limited.status === 201) return;
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(limited.body.error.code).toBe("rate_limited");
    expect(limited.headers.get("ratelimit-limit")).toBe(String(rateLimitPerMinute()));
    expect(limited.headers.get("ratelimit-remaining")).toBe("0");
    expect(limited.headers.get("ratelimit-reset")).toBe(limited.headers.get("retry-after"));
    expect(await db().result.count({ where: { releaseId: await releaseId(p) } })).toBe(0);
  });

  it("counts a token's requests in the window Prisma writes, once each, and a refused token's not at all", async () => {
    const p = await makeProject();
    const token = await db().apiToken.findUniqueOrThrow({ where: { hash: hashToken(p.token) } });
    const windows = () => db().rateLimitWindow.findMany({ where: { subject: `token:${token.id}` } });
    for (let i = 0; i < 3; i++) expect((await api(resultsPath(p), { token: p.token, json: batch(1, i + 1) })).status).toBe(201);
    const counted = await windows();
    // One row per minute (the requests may straddle a boundary), on the minute, three in all.
    expect(counted.reduce((sum, w) => sum + w.count, 0)).toBe(3);
    for (const w of counted) expect(w.windowStart.getTime() % 60_000).toBe(0);
    expect(counted.some((w) => Math.abs(w.windowStart.getTime() - Date.now()) < 120_000)).toBe(true);
    await db().apiToken.update({ where: { id: token.id }, data: { revokedAt: new Date() } });
    expect((await api(resultsPath(p), { token: p.token, json: batch(1, 9) })).status).toBe(401);
    expect((await windows()).reduce((sum, w) => sum + w.count, 0)).toBe(3);
  });
});

describe("the release read with the token", () => {
  it("comes back only for a valid token of that project and a release that exists, as findProject and findRelease read it", async () => {
    const p = await makeProject();
    const other = await makeProject();
    const named = await loadTokenPrincipal(p.token, undefined, { project: p.slug, version: p.version });
    const project = await findProject(p.slug);
    expect(named?.found?.project).toEqual(project);
    expect(named?.found?.release).toEqual(await findRelease(project.id, p.version));
    // Another project's release, a missing one, and names that cannot exist: the token, but nothing found.
    for (const release of [{ project: other.slug, version: other.version }, { project: p.slug, version: "v9.9.9" }, { project: p.slug, version: "v1\u0000" }]) {
      const found = await loadTokenPrincipal(p.token, undefined, release);
      expect(found?.principal.token.projectId).toBe(project.id);
      expect(found?.found).toBeNull();
    }
    await db().apiToken.update({ where: { hash: hashToken(p.token) }, data: { revokedAt: new Date() } });
    expect(await loadTokenPrincipal(p.token, undefined, { project: p.slug, version: p.version })).toBeNull();
  });

  it("results and metrics: a token of another project still gets 404 (its projects are not told apart), a missing release of its own 404, and nothing is stored", async () => {
    const p = await makeProject();
    const other = await makeProject();
    const foreign = await api(resultsPath(other), { token: p.token, json: batch(1, 1) });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.message).toContain(other.slug);
    const missing = await api(`/api/v1/projects/${p.slug}/releases/v9.9.9/results`, { token: p.token, json: batch(1, 1) });
    expect(missing.status).toBe(404);
    expect(await db().result.count({ where: { release: { project: { slug: { in: [p.slug, other.slug] } } } } })).toBe(0);
    // Metrics take the same path.
    const metrics = (q: Project) => `/api/v1/projects/${q.slug}/releases/${q.version}/metrics`;
    const body = { environment: "staging", metrics: [{ name: "throughput", value: 612, unit: "events/s" }] };
    expect((await api(metrics(other), { token: p.token, json: body })).status).toBe(404);
    expect((await api(`/api/v1/projects/${p.slug}/releases/v9.9.9/metrics`, { token: p.token, json: body })).status).toBe(404);
    expect(await db().metric.count({ where: { release: { project: { slug: { in: [p.slug, other.slug] } } } } })).toBe(0);
    const own = await api(metrics(p), { token: p.token, json: body });
    expect(own.status).toBe(201);
    expect(await db().metric.count({ where: { release: { project: { slug: p.slug } } } })).toBe(1);
  });
});

describe("raw payloads", () => {
  it("keeps the exact body, gzipped, with its SHA-256 and content type", async () => {
    const p = await makeProject();
    const text = JSON.stringify(batch(7, 2));
    const posted = await api(resultsPath(p), { token: p.token, body: text, headers: { "content-type": "application/json" } });
    expect(posted.status).toBe(201);
    const raw = await db().rawPayload.findFirstOrThrow({ where: { releaseId: await releaseId(p) } });
    expect(gunzipSync(raw.body).toString("utf8")).toBe(text);
    expect(raw.sha256).toBe(createHash("sha256").update(text).digest("hex"));
    expect(raw.contentType).toBe("application/json");
    expect(raw.body.length).toBeLessThan(Buffer.byteLength(text) + 64);
    expect(raw.deliveryId).toBe(posted.body.delivery);
  });
});
