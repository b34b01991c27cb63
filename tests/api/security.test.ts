// API tokens over HTTP: who gets in (401), what a token may touch (403, and 404 outside its
// project), and that only a hash of the secret is ever stored.
import { describe, expect, it } from "vitest";
import { generateToken, hashToken } from "@/lib/auth/tokens";
import { db } from "@/lib/db/client";
import { makeProject, makeToken, makeUser, randomSha } from "../support/fixtures";
import { api, baseUrl, signIn } from "../support/http";
import { projectAuditCount, releaseCounts } from "../support/db-state";
import { expectApiError } from "../support/errors";

type Project = Awaited<ReturnType<typeof makeProject>>;

const base = (p: Project) => `/api/v1/projects/${p.slug}/releases/${p.version}`;
const someSignOffId = "00000000-0000-4000-8000-000000000000";

/** One request to every endpoint, each with a body that would be accepted from the right caller. */
function everyEndpoint(p: Project, auth: { token?: string; headers?: Record<string, string> }) {
  return [
    () => api(base(p), auth),
    () => api(`${base(p)}/gate?environment=staging`, auth),
    () => api(`${base(p)}/results`, { ...auth, json: { environment: "staging", results: [{ key: "tests/smoke/a.py::t", status: "passed" }] } }),
    () => api(`${base(p)}/metrics`, { ...auth, json: { environment: "staging", metrics: [{ name: "events_per_sec", value: 900 }] } }),
    () => api(`${base(p)}/items/release-approval/signoffs`, { ...auth, json: { environment: "staging" } }),
    () => api(`${base(p)}/signoffs/${someSignOffId}/revoke`, { ...auth, json: { reason: "wrong build" } }),
    () => api(`/api/v1/projects/${p.slug}/releases`, { ...auth, json: { version: "v9.0.0", commit: randomSha(), template: p.template } }),
  ];
}

async function nothingWritten(p: Project, work: () => Promise<void>) {
  const [counts, audit, releases] = [await releaseCounts(p.slug, p.version), await projectAuditCount(p.slug), await db().release.count({ where: { project: { slug: p.slug } } })];
  await work();
  expect(await releaseCounts(p.slug, p.version)).toEqual(counts);
  expect(await projectAuditCount(p.slug)).toBe(audit);
  expect(await db().release.count({ where: { project: { slug: p.slug } } })).toBe(releases);
}

function expectUnauthorized(response: Awaited<ReturnType<typeof api>>) {
  expectApiError(response, 401, "unauthorized");
  expect(response.headers.get("www-authenticate")).toMatch(/^Bearer realm=/);
}

describe("authentication", () => {
  it("without credentials every endpoint is 401 with WWW-Authenticate, and nothing is written", async () => {
    const p = await makeProject();
    await nothingWritten(p, async () => {
      for (const call of everyEndpoint(p, {})) expectUnauthorized(await call());
    });
  });

  it("a malformed Authorization header is 401, even next to a valid session cookie", async () => {
    const p = await makeProject();
    const manager = await makeUser(p.slug, "release-manager");
    const cookie = await signIn(manager.email, manager.password);
    const malformed = [`Basic ${Buffer.from("ci:secret").toString("base64")}`, "Bearer", "Bearer ", `Bearer ${p.token} extra`, `Token ${p.token}`, p.token, `Bearer${p.token}`, "Bearer \u00e9"];
    await nothingWritten(p, async () => {
      for (const authorization of malformed) {
        for (const call of everyEndpoint(p, { headers: { authorization, cookie, origin: baseUrl() } })) expectUnauthorized(await call());
      }
    });
  });

  it("a well-formed token that was never issued is 401", async () => {
    const p = await makeProject();
    const { token } = generateToken();
    await nothingWritten(p, async () => {
      for (const call of everyEndpoint(p, { token })) expectUnauthorized(await call());
    });
  });

  it("a real token with a broken checksum or a changed secret is 401", async () => {
    const p = await makeProject();
    const last = p.token.at(-1)!;
    const brokenChecksum = p.token.slice(0, -1) + (last === "a" ? "b" : "a");
    const firstSecret = p.token[4]!;
    const changedSecret = p.token.slice(0, 4) + (firstSecret === "a" ? "b" : "a") + p.token.slice(5);
    const truncated = p.token.slice(0, -1);
    await nothingWritten(p, async () => {
      for (const token of [brokenChecksum, changedSecret, truncated, p.token.toUpperCase(), `${p.token}x`]) {
        expectUnauthorized(await api(`${base(p)}/results`, { token, json: { results: [{ key: "tests/smoke/a", status: "passed" }] } }));
        expectUnauthorized(await api(`${base(p)}/gate?environment=staging`, { token }));
      }
    });
    // The untouched token works, so the refusals above are about the changes.
    expect((await api(`${base(p)}/gate?environment=staging`, { token: p.token })).status).toBe(200);
  });

  it("an expired token is 401; one expiring later still works", async () => {
    const p = await makeProject();
    const expired = await makeToken(p.slug);
    const later = await makeToken(p.slug);
    await db().apiToken.update({ where: { hash: hashToken(expired) }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await db().apiToken.update({ where: { hash: hashToken(later) }, data: { expiresAt: new Date(Date.now() + 3_600_000) } });
    await nothingWritten(p, async () => {
      for (const call of everyEndpoint(p, { token: expired })) expectUnauthorized(await call());
    });
    expect((await api(`${base(p)}/gate?environment=staging`, { token: later })).status).toBe(200);
  });

  it("a revoked token is 401 from the next request on", async () => {
    const p = await makeProject();
    const token = await makeToken(p.slug);
    expect((await api(`${base(p)}/gate?environment=staging`, { token })).status).toBe(200);
    await db().apiToken.update({ where: { hash: hashToken(token) }, data: { revokedAt: new Date() } });
    await nothingWritten(p, async () => {
      for (const call of everyEndpoint(p, { token })) expectUnauthorized(await call());
    });
  });
});

describe("a token's reach", () => {
  it("a token of project A gets 404 for every endpoint of project B, exactly as for a project that does not exist", async () => {
    const a = await makeProject();
    const b = await makeProject();
    await nothingWritten(b, async () => {
      for (const call of everyEndpoint(b, { token: a.token })) {
        const response = await call();
        const error = expectApiError(response, 404, "not_found");
        expect(error.message).toBe(`project "${b.slug}" not found`);
      }
    });
    const missing = await api(`/api/v1/projects/${b.slug}x/releases/${b.version}`, { token: a.token });
    expect(expectApiError(missing, 404, "not_found").message).toBe(`project "${b.slug}x" not found`);
  });

  it("a read-only token reads the gate and the release but cannot post results, metrics or releases (403)", async () => {
    const p = await makeProject();
    const reader = await makeToken(p.slug, ["gate:read"]);
    expect((await api(`${base(p)}/gate?environment=staging`, { token: reader })).status).toBe(200);
    expect((await api(base(p), { token: reader })).status).toBe(200);
    const [, , results, metrics, , , release] = everyEndpoint(p, { token: reader });
    await nothingWritten(p, async () => {
      expect(expectApiError(await results!(), 403, "forbidden").message).toContain("results:write");
      expectApiError(await metrics!(), 403, "forbidden");
      expect(expectApiError(await release!(), 403, "forbidden").message).toContain("releases:write");
    });
  });

  it("a results-only token posts results but may not read the gate without gate:read", async () => {
    const p = await makeProject();
    const writer = await makeToken(p.slug, ["results:write"]);
    const posted = await api(`${base(p)}/results`, { token: writer, json: { environment: "staging", results: [{ key: "tests/smoke/a.py::t", status: "passed" }] } });
    expect(posted.status).toBe(201);
    expectApiError(await api(`${base(p)}/gate?environment=staging`, { token: writer }), 403, "forbidden");
  });

  it("no token can sign off or revoke, whatever its permissions (403)", async () => {
    const p = await makeProject();
    const manager = await makeUser(p.slug, "release-manager");
    const cookie = await signIn(manager.email, manager.password);
    const signed = await api(`${base(p)}/items/release-approval/signoffs`, { json: { environment: "staging" }, headers: { cookie, origin: baseUrl() } });
    expect(signed.status).toBe(201);
    await nothingWritten(p, async () => {
      expectApiError(await api(`${base(p)}/items/release-approval/signoffs`, { token: p.token, json: { environment: "staging" } }), 403, "forbidden");
      expectApiError(await api(`${base(p)}/items/staging-ws-events/signoffs`, { token: p.token, json: { environment: "production" } }), 403, "forbidden");
      expectApiError(await api(`${base(p)}/signoffs/${signed.body.id}/revoke`, { token: p.token, json: { reason: "CI says no" } }), 403, "forbidden");
    });
    const row = await db().signOff.findUniqueOrThrow({ where: { id: signed.body.id } });
    expect(row.revokedAt).toBeNull();
  });
});

describe("token storage", () => {
  it("stores sha256(token) and never the token or its secret, in any table", async () => {
    const p = await makeProject();
    const token = await makeToken(p.slug);
    // Use it once, so request handling (last-used time, audit of a write) had its chance to leak it.
    expect((await api(`${base(p)}/results`, { token, json: { results: [{ key: "tests/smoke/a.py::t", status: "passed" }] } })).status).toBe(201);

    const row = await db().apiToken.findUniqueOrThrow({ where: { hash: hashToken(token) } });
    expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.hash).toBe(hashToken(token));
    expect(row.lastUsedAt).not.toBeNull();
    const secret = token.slice(row.prefix.length);
    expect(token.startsWith(row.prefix)).toBe(true);
    expect(secret.length).toBeGreaterThanOrEqual(40);
    const columns = JSON.stringify(row);
    expect(columns).not.toContain(token);
    expect(columns).not.toContain(secret);

    // Every table, every column, as text.
    const tables = await db().$queryRaw<{ table_name: string }[]>`
      SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`;
    expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining(["ApiToken", "AuditEvent"]));
    for (const { table_name } of tables) {
      const hits = await db().$queryRawUnsafe<{ n: bigint }[]>(
        `SELECT count(*) AS n FROM "${table_name.replaceAll('"', '""')}" t WHERE t::text LIKE '%' || $1 || '%'`,
        secret.slice(0, 24),
      );
      expect({ table: table_name, hits: Number(hits[0]!.n) }).toEqual({ table: table_name, hits: 0 });
    }
  });
});
