// The public badge: a project admin makes a key (shown once, with Markdown); anyone with the URL
// sees only the gate's state, without a session or token; a wrong, rotated or removed key 404s;
// text in the SVG is escaped; no reasons, names or counts are in it.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { makeProject } from "../support/fixtures";
import { openStagingGate } from "../support/flow";
import { api, baseUrl } from "../support/http";
import { person } from "../support/templates";

type Project = Awaited<ReturnType<typeof makeProject>>;

const keyPath = (p: Project) => `/api/v1/projects/${p.slug}/badge-key`;
const badgePath = (key: string, release: string, environment: string) => `/api/v1/badges/${key}/${encodeURIComponent(release)}/${environment}.svg`;

/** A badge fetched as a README viewer would: no cookie, no token. */
async function badge(key: string, release: string, environment: string) {
  const response = await fetch(`${baseUrl()}${badgePath(key, release, environment)}`);
  return { status: response.status, headers: response.headers, text: await response.text() };
}

async function withKey() {
  const p = await makeProject();
  const admin = await person(p.slug, "admin");
  const created = await api(keyPath(p), { method: "POST", headers: admin.headers });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return { p, admin, key: created.body.key as string, created: created.body };
}

describe("public badge", () => {
  it("works without a session, shows only the gate's state, and follows the gate", async () => {
    const { p, key, created } = await withKey();
    expect(key).toMatch(/^bdg_[A-Za-z0-9_-]{43}$/);
    expect(created.urls.map((u: { environment: string }) => u.environment)).toEqual(["staging", "production"]);
    expect(created.urls[0].markdown).toBe(`![staging gate](${created.urls[0].url})`);
    expect(created.urls[0].url).toMatch(new RegExp(`/api/v1/badges/${key}/latest/staging\\.svg$`));

    const closed = await badge(key, "latest", "staging");
    expect(closed.status).toBe(200);
    expect(closed.headers.get("content-type")).toMatch(/^image\/svg\+xml/);
    expect(closed.headers.get("cache-control")).toBe("public, max-age=60, must-revalidate");
    expect(closed.text).toContain(">closed<");
    // Nothing but the state: no blocker count, titles, reasons, project or commit.
    for (const secret of ["blocked", "Smoke tests", "approval", "events_per_sec", p.slug, p.commit.slice(0, 7), "pending"]) expect(closed.text).not.toContain(secret);

    await openStagingGate(p);
    const open = await badge(key, p.version, "staging");
    expect(open.status).toBe(200);
    expect(open.text).toContain(">open<");
    expect((await badge(key, "latest", "production")).text).toContain(">closed<");
  });

  it("a wrong, malformed or other project's key, an unknown release or environment: the same 404", async () => {
    const { p, key } = await withKey();
    const other = await withKey();
    const answers = [
      await badge(`bdg_${randomBytes(32).toString("base64url")}`, "latest", "staging"),
      await badge("not-a-key", "latest", "staging"),
      await badge(key, "v9.9.9", "staging"),
      await badge(key, "latest", "qa"),
      await badge(other.key, p.version, "qa"),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(404);
      expect(JSON.parse(answer.text).error).toEqual({ code: "not_found", message: "no such badge: check the badge key, the release and the environment in the address", requestId: undefined });
    }
    expect((await badge(key, "latest", "staging")).status).toBe(200);
  });

  it("a rotated key stops working at once, a removed one too; only admins manage the key, which is never listed", async () => {
    const { p, admin, key } = await withKey();
    const manager = await person(p.slug, "release-manager");
    expect((await api(keyPath(p), { method: "POST", headers: manager.headers })).status).toBe(403);
    expect((await api(keyPath(p), { token: p.token })).status).toBe(403);
    const state = await api(keyPath(p), { headers: admin.headers });
    expect(state.body).toMatchObject({ project: p.slug, exists: true, createdBy: admin.email });
    expect(JSON.stringify(state.body)).not.toContain(key);
    const stored = await db().badgeKey.findFirstOrThrow({ where: { createdBy: admin.email } });
    expect(stored.keyHash).not.toContain(key);

    const rotated = await api(keyPath(p), { method: "POST", headers: admin.headers });
    expect(rotated.status).toBe(201);
    expect(rotated.body.key).not.toBe(key);
    expect((await badge(key, "latest", "staging")).status).toBe(404);
    expect((await badge(rotated.body.key, "latest", "staging")).status).toBe(200);

    expect((await api(keyPath(p), { method: "DELETE", headers: admin.headers })).body).toMatchObject({ exists: false });
    expect((await badge(rotated.body.key, "latest", "staging")).status).toBe(404);
    expect((await api(keyPath(p), { method: "DELETE", headers: admin.headers })).status).toBe(404);
  });

  it("escapes the text it draws", async () => {
    const { p, key } = await withKey();
    const project = await db().project.findUniqueOrThrow({ where: { slug: p.slug } });
    const release = await db().release.findFirstOrThrow({ where: { projectId: project.id } });
    // A version older validation let through; the badge draws what the URL names.
    const version = `v1<&>"x'`;
    await db().release.update({ where: { id: release.id }, data: { version } });
    const drawn = await badge(key, version, "staging");
    expect(drawn.status).toBe(200);
    expect(drawn.text).toContain("v1&lt;&amp;&gt;&quot;x&apos; staging gate: closed");
    expect(drawn.text).not.toContain(version);
    expect(drawn.text).not.toMatch(/<script|on\w+=/i);
  });
});
