// Signing in and out over HTTP: where the sign-in page sends people afterwards, throttling, and
// sign-out ending the session on the server.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { endSessions } from "@/lib/auth/end-sessions";
import { makeProject, makeUser } from "../support/fixtures";
import { api, baseUrl, signIn } from "../support/http";

describe("return path after sign-in", () => {
  it("a signed-in visitor is sent to a same-site path, and never to another host", async () => {
    const user = await makeUser(null, null);
    const cookie = await signIn(user.email, user.password);
    const go = async (callbackUrl: string) => {
      const response = await fetch(`${baseUrl()}/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`, { headers: { cookie }, redirect: "manual" });
      expect(response.status, callbackUrl).toBeGreaterThanOrEqual(300);
      expect(response.status, callbackUrl).toBeLessThan(400);
      return new URL(response.headers.get("location")!, baseUrl());
    };
    const same = await go("/projects?x=1");
    expect(same.origin).toBe(new URL(baseUrl()).origin);
    expect(`${same.pathname}${same.search}`).toBe("/projects?x=1");
    for (const evil of ["/\\evil.example/", "//evil.example/", "/\t/evil.example/", "https://evil.example/"]) {
      const landed = await go(evil);
      expect(landed.origin, evil).toBe(new URL(baseUrl()).origin);
      expect(landed.pathname, evil).toBe("/");
    }
  });
});

/** One password sign-in from a given client address; never throws. */
async function attempt(email: string, password: string, address: string) {
  const csrf = await fetch(`${baseUrl()}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const csrfCookie = csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const started = performance.now();
  const response = await fetch(`${baseUrl()}/api/auth/callback/credentials`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrfCookie, "x-forwarded-for": address },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
    redirect: "manual",
  });
  const ms = performance.now() - started;
  const text = await response.text();
  const signedIn = response.headers.getSetCookie().some((c) => c.includes("next-auth.session-token"));
  return { status: response.status, text, signedIn, ms, retryAfter: response.headers.get("retry-after") };
}

const randomAddress = () => `2001:db8::${randomBytes(2).toString("hex")}:${randomBytes(2).toString("hex")}, 10.0.0.1`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// The app under test runs with SHIPCHECK_SIGNIN_DELAY_MS=50, SHIPCHECK_SIGNIN_LOCK_SECONDS=5,
// SHIPCHECK_SIGNIN_ADDRESS_FREE_FAILURES=15 and SHIPCHECK_SIGNIN_ADDRESS_LOCK_AFTER=20 (scripts/lib/app-under-test.ts).
describe("sign-in throttling", () => {
  it("10 wrong passwords (answered ever more slowly) lock the account: the right one is then 429 with a message, from any address, until the lock runs out", async () => {
    const user = await makeUser(null, null);
    const address = randomAddress();
    const wrong = [];
    for (let i = 0; i < 10; i++) wrong.push(await attempt(user.email, `nope-${i}`, address));
    expect(wrong.every((w) => !w.signedIn && w.status === 401)).toBe(true);
    // Failures 4 to 9 wait 50, 100, … ms before the answer (the 9th 1.6 s); the 10th locks at once.
    expect(wrong[8]!.ms).toBeGreaterThanOrEqual(1_500);

    for (const from of [address, randomAddress()]) {
      const locked = await attempt(user.email, user.password, from);
      expect(locked.signedIn).toBe(false);
      expect(locked.status).toBe(429);
      expect(Number(locked.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(JSON.parse(locked.text)).toMatchObject({ error: "sign_in_locked", message: expect.stringContaining("Too many failed sign-ins for this account") });
    }

    await sleep(5_500);
    expect((await attempt(user.email, user.password, address)).signedIn).toBe(true);
    // The success reset the account's count: a few more failures do not lock it.
    for (let i = 0; i < 3; i++) expect((await attempt(user.email, "nope", address)).status).toBe(401);
    expect((await attempt(user.email, user.password, address)).signedIn).toBe(true);

    const events = await db().auditEvent.findMany({ where: { projectId: null, action: { startsWith: "auth.signin." }, after: { path: ["email"], equals: user.email } }, orderBy: { id: "asc" } });
    expect(events.map((e) => [e.action, (e.after as { reason?: string }).reason ?? null])).toEqual([
      ...Array.from({ length: 10 }, () => ["auth.signin.failed", "wrong_credentials"]),
      ["auth.signin.failed", "locked"],
      ["auth.signin.failed", "locked"],
      ["auth.signin.succeeded", null],
      ...Array.from({ length: 3 }, () => ["auth.signin.failed", "wrong_credentials"]),
      ["auth.signin.succeeded", null],
    ]);
    expect(events[0]).toMatchObject({ ip: address.split(",")[0], actorLabel: user.email, actorUserId: null, releaseId: null, targetId: null });
    expect(events.at(-1)).toMatchObject({ actorUserId: user.id, targetId: user.id });
    expect(events.every((e) => e.hash && e.createdAt)).toBe(true);
  }, 60_000);

  it("20 failures from one address, each for another email, lock that address but not the accounts", async () => {
    const user = await makeUser(null, null);
    const address = randomAddress();
    for (let i = 0; i < 20; i++) expect((await attempt(`guess-${i}-${user.email}`, "nope", address)).status).toBe(401);
    const locked = await attempt(user.email, user.password, address);
    expect(locked.status).toBe(429);
    expect(JSON.parse(locked.text).message).toContain("your network address");
    expect((await attempt(user.email, user.password, randomAddress())).signedIn).toBe(true);
  }, 60_000);
});

/** Signs out the way next-auth's client does (POST /api/auth/signout with its CSRF token). */
async function signOut(cookie: string): Promise<number> {
  const csrf = await fetch(`${baseUrl()}/api/auth/csrf`, { headers: { cookie } });
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const csrfCookie = csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const response = await fetch(`${baseUrl()}/api/auth/signout`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: [cookie, csrfCookie].filter(Boolean).join("; ") },
    body: new URLSearchParams({ csrfToken, json: "true" }),
    redirect: "manual",
  });
  await response.text();
  return response.status;
}

describe("sign-out", () => {
  it("ends the session on the server: the old cookie then gets 401 from the API and is sent to /signin by pages, on every device", async () => {
    const p = await makeProject();
    const viewer = await makeUser(p.slug, "viewer");
    const cookie = await signIn(viewer.email, viewer.password);
    const otherDevice = await signIn(viewer.email, viewer.password);
    const release = `/api/v1/projects/${p.slug}/releases/${p.version}`;
    const page = `/projects/${p.slug}/releases/${p.version}`;
    expect((await api(release, { headers: { cookie } })).status).toBe(200);
    expect((await api(page, { headers: { cookie } })).status).toBe(200);

    expect(await signOut(cookie)).toBe(200);

    for (const old of [cookie, otherDevice]) {
      expect((await api(release, { headers: { cookie: old } })).status).toBe(401);
      const sent = await api(page, { headers: { cookie: old } });
      expect(sent.status).toBeGreaterThanOrEqual(300);
      expect(sent.status).toBeLessThan(400);
      expect(sent.headers.get("location")).toContain("/signin");
    }
    // Signing in again works, with a new cookie.
    const fresh = await signIn(viewer.email, viewer.password);
    expect((await api(release, { headers: { cookie: fresh } })).status).toBe(200);
    expect((await api(release, { headers: { cookie } })).status).toBe(401);
  });

  it("ending a user's sessions (as a password change or \"sign out everywhere\" does) refuses their cookies from the next request on", async () => {
    const p = await makeProject();
    const viewer = await makeUser(p.slug, "viewer");
    const cookie = await signIn(viewer.email, viewer.password);
    const release = `/api/v1/projects/${p.slug}/releases/${p.version}`;
    expect((await api(release, { headers: { cookie } })).status).toBe(200);
    await endSessions(viewer.id);
    expect((await api(release, { headers: { cookie } })).status).toBe(401);
  });
});
