// People over HTTP with the next-auth session cookie: roles checked on the server for every
// request (read fresh from the database), and cookie writes only from our own Origin.
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { makeProject, makeUser } from "../support/fixtures";
import { deployToStaging } from "../support/flow";
import { api, baseUrl, signIn } from "../support/http";
import { auditEvents, releaseCounts } from "../support/db-state";
import { expectApiError } from "../support/errors";

type Project = Awaited<ReturnType<typeof makeProject>>;

const base = (p: Project) => `/api/v1/projects/${p.slug}/releases/${p.version}`;
const someResults = { environment: "staging", results: [{ key: "tests/smoke/test_a.py::test_ok", status: "passed" }] };

async function person(p: Project, role: Parameters<typeof makeUser>[1]) {
  const user = await makeUser(p.slug, role);
  const cookie = await signIn(user.email, user.password);
  return { ...user, cookie, same: { cookie, origin: baseUrl() } };
}

async function unchanged<T>(p: Project, request: () => Promise<T>): Promise<T> {
  const before = await releaseCounts(p.slug, p.version);
  const out = await request();
  expect(await releaseCounts(p.slug, p.version)).toEqual(before);
  return out;
}

describe("roles", () => {
  it("a viewer reads the release and its gate, but may not post results or metrics or sign off (403)", async () => {
    const p = await makeProject();
    const viewer = await person(p, "viewer");
    const release = await api(base(p), { headers: { cookie: viewer.cookie } });
    expect(release.status).toBe(200);
    expect(release.body.release).toMatchObject({ version: p.version, commitSha: p.commit });
    expect(release.body.viewer).toEqual({ role: null, userId: viewer.id, canAssign: false });
    expect((await api(`${base(p)}/gate?environment=staging`, { headers: { cookie: viewer.cookie } })).status).toBe(200);

    await unchanged(p, async () => {
      expect(expectApiError(await api(`${base(p)}/results`, { json: someResults, headers: viewer.same }), 403, "forbidden").message).toContain("engineer");
      expectApiError(await api(`${base(p)}/metrics`, { json: { metrics: [{ name: "events_per_sec", value: 900 }] }, headers: viewer.same }), 403, "forbidden");
      expectApiError(await api(`${base(p)}/items/staging-ws-events/signoffs`, { json: { environment: "staging" }, headers: viewer.same }), 403, "forbidden");
    });
  });

  it("an engineer may not sign off an item that needs a release manager (403, nothing written)", async () => {
    const p = await makeProject();
    const engineer = await person(p, "engineer");
    const refused = await unchanged(p, () => api(`${base(p)}/items/release-approval/signoffs`, { json: { environment: "staging", comment: "lgtm" }, headers: engineer.same }));
    expect(expectApiError(refused, 403, "forbidden").message).toContain("release-manager");
    // Same person, an item their role may sign (done on staging once it is deployed there): accepted, so the 403 above was the role.
    await deployToStaging(p);
    expect((await api(`${base(p)}/items/staging-ws-events/signoffs`, { json: { environment: "staging" }, headers: engineer.same })).status).toBe(201);
  });

  it("a member of another project gets 404 here, and a user with no memberships too", async () => {
    const p = await makeProject();
    const other = await makeProject();
    const outsider = await person(other, "admin");
    const nobody = await makeUser(null, null);
    const nobodyCookie = await signIn(nobody.email, nobody.password);
    for (const cookie of [outsider.cookie, nobodyCookie]) {
      await unchanged(p, async () => {
        expectApiError(await api(base(p), { headers: { cookie } }), 404, "not_found");
        expectApiError(await api(`${base(p)}/gate?environment=staging`, { headers: { cookie } }), 404, "not_found");
        expectApiError(await api(`${base(p)}/results`, { json: someResults, headers: { cookie, origin: baseUrl() } }), 404, "not_found");
        expectApiError(await api(`${base(p)}/items/release-approval/signoffs`, { json: { environment: "staging" }, headers: { cookie, origin: baseUrl() } }), 404, "not_found");
      });
    }
  });

  it("a session's writes are audited under the person, not a token", async () => {
    const p = await makeProject();
    const engineer = await person(p, "engineer");
    const posted = await api(`${base(p)}/results`, { json: someResults, headers: engineer.same });
    expect(posted.status).toBe(201);
    const events = (await auditEvents(p.slug, p.version, "results.recorded")).filter((e) => (e.after as { delivery?: string }).delivery === posted.body.delivery);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorUserId: engineer.id, actorToken: null, actorLabel: engineer.email });
  });
});

describe("cross-site writes with the cookie", () => {
  it("are refused without an Origin header or with a foreign one (403), and nothing is written", async () => {
    const p = await makeProject();
    const manager = await person(p, "release-manager");
    const url = new URL(baseUrl());
    const foreign = ["https://evil.example", "null", `${url.protocol}//${url.hostname}:${Number(url.port) + 1}`, `https://${url.host}`, `${baseUrl()}.evil.example`, `${baseUrl()}/`];
    const writes = (headers: Record<string, string>) => [
      () => api(`${base(p)}/results`, { json: someResults, headers }),
      () => api(`${base(p)}/metrics`, { json: { metrics: [{ name: "events_per_sec", value: 900 }] }, headers }),
      () => api(`${base(p)}/items/release-approval/signoffs`, { json: { environment: "staging" }, headers }),
      () => api(`/api/v1/projects/${p.slug}/releases`, { json: { version: "v1.0.1", commit: p.commit, template: p.template }, headers }),
    ];
    const releasesBefore = await db().release.count({ where: { project: { slug: p.slug } } });
    await unchanged(p, async () => {
      for (const call of writes({ cookie: manager.cookie })) {
        expect(expectApiError(await call(), 403, "forbidden").message).toMatch(/origin/i);
      }
      for (const origin of foreign) {
        for (const call of writes({ cookie: manager.cookie, origin })) expectApiError(await call(), 403, "forbidden");
      }
    });
    expect(await db().release.count({ where: { project: { slug: p.slug } } })).toBe(releasesBefore);

    // Reads need no Origin, and the very same writes from our own Origin go through.
    expect((await api(base(p), { headers: { cookie: manager.cookie } })).status).toBe(200);
    const statuses = [];
    for (const call of writes(manager.same)) statuses.push((await call()).status);
    expect(statuses).toEqual([201, 201, 201, 201]);
  });

  it("a forged or tampered session cookie is 401", async () => {
    const p = await makeProject();
    const manager = await person(p, "release-manager");
    const [name, value] = manager.cookie.split("=") as [string, string];
    const tampered = `${name}=${value.slice(0, -4)}${value.slice(-4) === "AAAA" ? "BBBB" : "AAAA"}`;
    for (const cookie of [tampered, `${name}=not-a-jwt`, `${name}=`]) {
      await unchanged(p, async () => {
        const read = await api(base(p), { headers: { cookie } });
        expectApiError(read, 401, "unauthorized");
        expectApiError(await api(`${base(p)}/results`, { json: someResults, headers: { cookie, origin: baseUrl() } }), 401, "unauthorized");
      });
    }
  });
});

describe("role changes take effect on the very next request", () => {
  it("a deleted membership: 404 next time, without signing in again", async () => {
    const p = await makeProject();
    const engineer = await person(p, "engineer");
    expect((await api(base(p), { headers: { cookie: engineer.cookie } })).status).toBe(200);
    const project = await db().project.findUniqueOrThrow({ where: { slug: p.slug } });
    await db().membership.delete({ where: { userId_projectId: { userId: engineer.id, projectId: project.id } } });
    await unchanged(p, async () => {
      expectApiError(await api(base(p), { headers: { cookie: engineer.cookie } }), 404, "not_found");
      expectApiError(await api(`${base(p)}/results`, { json: someResults, headers: engineer.same }), 404, "not_found");
      expectApiError(await api(`${base(p)}/items/staging-ws-events/signoffs`, { json: { environment: "staging" }, headers: engineer.same }), 404, "not_found");
    });
  });

  it("a demotion to viewer: 403 on the next write; a promotion: allowed on the next write", async () => {
    const p = await makeProject();
    const engineer = await person(p, "engineer");
    expect((await api(`${base(p)}/results`, { json: someResults, headers: engineer.same })).status).toBe(201);
    const project = await db().project.findUniqueOrThrow({ where: { slug: p.slug } });
    const where = { userId_projectId: { userId: engineer.id, projectId: project.id } };

    await db().membership.update({ where, data: { role: "viewer" } });
    await unchanged(p, async () => {
      expectApiError(await api(`${base(p)}/results`, { json: someResults, headers: engineer.same }), 403, "forbidden");
      expectApiError(await api(`${base(p)}/items/release-approval/signoffs`, { json: { environment: "staging" }, headers: engineer.same }), 403, "forbidden");
    });

    await db().membership.update({ where, data: { role: "release_manager" } });
    const approved = await api(`${base(p)}/items/release-approval/signoffs`, { json: { environment: "staging" }, headers: engineer.same });
    expect(approved.status).toBe(201);
    expect(approved.body.role).toBe("release-manager");
  });

  it("a disabled user: 401 on the next request", async () => {
    const p = await makeProject();
    const engineer = await person(p, "engineer");
    expect((await api(base(p), { headers: { cookie: engineer.cookie } })).status).toBe(200);
    await db().user.update({ where: { id: engineer.id }, data: { disabledAt: new Date() } });
    await unchanged(p, async () => {
      expectApiError(await api(base(p), { headers: { cookie: engineer.cookie } }), 401, "unauthorized");
      expectApiError(await api(`${base(p)}/results`, { json: someResults, headers: engineer.same }), 401, "unauthorized");
    });
  });
});
