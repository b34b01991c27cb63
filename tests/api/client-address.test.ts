// Who a request is from cannot be chosen by the request. With no trusted proxy configured (a
// second app on the same database, at TEST_PORT + 2), X-Forwarded-For, X-Real-IP and a forged
// peer header change neither the address sign-in throttling counts nor the one the audit trail
// records. The suite's own app trusts 127.0.0.1 and 10/8, as a deployment behind proxies would:
// there the client is the rightmost untrusted hop. Request ids are kept only when plausible.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { startApp, type RunningApp } from "../../scripts/lib/app-under-test";
import { makeProject, makeUser, randomSha } from "../support/fixtures";
import { api, baseUrl } from "../support/http";
import { freePort } from "../support/free-port";

let app: RunningApp | undefined;

beforeAll(async () => {
  const port = process.env.TEST_PORT ? Number(process.env.TEST_PORT) + 2 : await freePort();
  app = await startApp(process.cwd(), { port, databaseUrl: process.env.DATABASE_URL!, extraEnv: { SHIPCHECK_TRUSTED_PROXIES: "" }, say: () => undefined });
}, 120_000);

afterAll(async () => {
  await app?.stop();
}, 30_000);

const spoofed = () => `203.0.113.${1 + (randomBytes(1)[0]! % 250)}`;

/** One wrong-password sign-in against `base`, with whatever headers the client chooses. */
async function wrongSignIn(base: string, email: string, extra: Record<string, string>) {
  const csrf = await fetch(`${base}/api/auth/csrf`, { headers: extra });
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const csrfCookie = csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const response = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrfCookie, ...extra },
    body: new URLSearchParams({ csrfToken, email, password: "not-the-password", json: "true" }),
    redirect: "manual",
  });
  await response.arrayBuffer();
  return response.status;
}

const signInEvents = (email: string) =>
  db().auditEvent.findMany({ where: { projectId: null, action: "auth.signin.failed", after: { path: ["email"], equals: email } }, orderBy: { id: "asc" } });

describe("the client address without a trusted proxy", () => {
  it("is the connection's peer: forwarded headers and a forged peer header change neither throttling nor the audit trail", async () => {
    const user = await makeUser(null, null);
    // Over IPv6 loopback when the machine has it, so this test's failures count against ::1, not the suite's 127.0.0.1.
    const v6 = await fetch(`http://[::1]:${new URL(app!.baseUrl).port}/api/health`).then((r) => r.ok, () => false);
    const base = v6 ? `http://[::1]:${new URL(app!.baseUrl).port}` : app!.baseUrl;
    const peer = v6 ? "::1" : "127.0.0.1";
    const claims: Record<string, string>[] = [
      { "x-forwarded-for": spoofed() },
      { "x-forwarded-for": `${spoofed()}, ${spoofed()}` },
      { "x-real-ip": spoofed() },
      { "x-shipcheck-peer": `guessed-token ${spoofed()}` },
    ];
    for (const claim of claims) expect(await wrongSignIn(base, user.email, claim)).toBe(401);

    const events = await signInEvents(user.email);
    expect(events).toHaveLength(claims.length);
    expect(events.map((e) => e.ip)).toEqual(claims.map(() => peer));
    // Every failure counted against the peer; none against an address a client named.
    const counted = await db().signInThrottle.findMany({ where: { key: { in: claims.flatMap((c) => Object.values(c)).flatMap((v) => v.split(/[ ,]+/)).map((a) => `address:${a}`) } } });
    expect(counted).toEqual([]);
    const peerRow = await db().signInThrottle.findUnique({ where: { key: `address:${peer}` } });
    expect(peerRow?.failures ?? 0).toBeGreaterThanOrEqual(claims.length);
  });

  it("is the peer in the audit trail of an API write, whatever the request claims", async () => {
    const p = await makeProject();
    const created = await api(`/api/v1/projects/${p.slug}/releases`, {
      base: app!.baseUrl,
      token: p.token,
      json: { version: "v9.1.0", commit: randomSha(), template: p.template },
      headers: { "x-forwarded-for": spoofed(), "x-shipcheck-peer": `x ${spoofed()}` },
    });
    expect(created.status).toBe(201);
    const event = await db().auditEvent.findFirstOrThrow({ where: { project: { slug: p.slug }, action: "release.created" }, orderBy: { id: "desc" } });
    expect(event.ip).toMatch(/^(127\.0\.0\.1|::1)$/);
  });
});

describe("the client address behind trusted proxies (the suite's app)", () => {
  it("is the rightmost hop that is not a trusted proxy: an entry the client wrote first counts for nothing", async () => {
    const p = await makeProject();
    const client = `198.51.100.${1 + (randomBytes(1)[0]! % 250)}`;
    const created = await api(`/api/v1/projects/${p.slug}/releases`, {
      token: p.token,
      json: { version: "v9.2.0", commit: randomSha(), template: p.template },
      headers: { "x-forwarded-for": `${spoofed()}, ${client}, 10.0.0.1` },
    });
    expect(created.status).toBe(201);
    const event = await db().auditEvent.findFirstOrThrow({ where: { project: { slug: p.slug }, action: "release.created" }, orderBy: { id: "desc" } });
    expect(event.ip).toBe(client);
  });
});

describe("request ids", () => {
  it("keeps a plausible caller id, echoed and audited, and replaces a hostile or oversized one", async () => {
    const p = await makeProject();
    const good = `ci-${randomBytes(4).toString("hex")}:step/3`;
    const kept = await api(`/api/v1/projects/${p.slug}/releases`, { token: p.token, json: { version: "v9.3.0", commit: randomSha(), template: p.template }, headers: { "x-request-id": good } });
    expect(kept.status).toBe(201);
    expect(kept.headers.get("x-request-id")).toBe(good);
    const event = await db().auditEvent.findFirstOrThrow({ where: { project: { slug: p.slug }, action: "release.created" }, orderBy: { id: "desc" } });
    expect(event.requestId).toBe(good);

    for (const hostile of ["<script>alert(1)</script>", "x".repeat(5_000), "id with spaces", "-leading-dash"]) {
      const response = await fetch(`${baseUrl()}/api/v1/projects/${p.slug}/releases/nope`, { headers: { authorization: `Bearer ${p.token}`, "x-request-id": hostile } });
      expect(response.status).toBe(404);
      const echoed = response.headers.get("x-request-id");
      expect(echoed).toMatch(/^[0-9a-f-]{36}$/);
      await response.arrayBuffer();
    }
  });
});
