// The overview: a page of projects, the most recently active first, each with its newest in-flight
// releases and a summary of each gate, cut from the stored gates by the database.
import { describe, expect, it } from "vitest";
import { loadUserPrincipal } from "@/lib/auth/principal";
import { db } from "@/lib/db/client";
import { summarizeGate } from "@/lib/gate";
import { createRelease } from "@/lib/server/create-release";
import { overrideGate } from "@/lib/server/gate-override";
import { releaseHealth } from "@/lib/server/gate-state";
import { getOverview, OVERVIEW_RELEASES } from "@/lib/server/get-overview";
import { createUser } from "@/lib/server/create-user";
import { makeProject, makeUser, randomSha } from "../support/fixtures";
import { api } from "../support/http";

const system = { principal: { kind: "system" as const, label: "test" } };
const smoke = (status: string) => ({ key: "tests/smoke/test_login.py::test_ok", status, ...(status === "failed" ? { message: "boom" } : {}) });

async function principalOf(email: string) {
  const { id } = await db().user.findUniqueOrThrow({ where: { email } });
  return (await loadUserPrincipal(id))!;
}

/** A person who is a member of exactly these projects. */
async function memberOf(slugs: string[]) {
  const email = `overview-${randomSha().slice(0, 10)}@test.example`;
  await createUser(system, { email, password: `pw-${randomSha()}`, memberships: slugs.map((project) => ({ project, role: "viewer" as const })) });
  return principalOf(email);
}

async function expectedSummaries(slug: string, version: string) {
  const release = await db().release.findFirstOrThrow({ where: { version, project: { slug } } });
  return (await releaseHealth(release, ["staging", "production"])).gates.map(summarizeGate);
}

describe("overview", () => {
  it("summarises each gate exactly as summarizeGate does, whether read from the stored gates or evaluated now", async () => {
    const p = await makeProject();
    const viewer = await memberOf([p.slug]);
    const shown = async () => (await getOverview(viewer)).projects[0]!.releases[0]!.gates;
    const check = async () => {
      // First read after a change: evaluated now; second: cut from the stored gates in SQL.
      const evaluated = await shown();
      const stored = await shown();
      expect(stored).toEqual(evaluated);
      expect(stored).toEqual(await expectedSummaries(p.slug, p.version));
      return stored;
    };
    const fresh = await check();
    expect(fresh.map((g) => [g.environment, g.open, g.blocking > 0])).toEqual([["staging", false, true], ["production", false, true]]);
    expect(fresh[0]!.firstBlocker).toMatch(/^.+: .+$/);

    expect((await api(`/api/v1/projects/${p.slug}/releases/${p.version}/results`, { token: p.token, json: { environment: "staging", results: [smoke("failed")] } })).status).toBe(201);
    const failed = await check();
    expect(failed[0]!.blocking).toBeGreaterThan(0);

    await overrideGate(system, p.slug, p.version, { environment: "staging", reason: "hotfix approved by the incident lead" });
    const overridden = await check();
    expect(overridden[0]).toMatchObject({ environment: "staging", open: true, overridden: true });
  });

  it("shows only the projects the person is a member of, the most recently active first", async () => {
    const [a, b, c] = [await makeProject(), await makeProject(), await makeProject()];
    await makeProject(); // not theirs
    const person = await memberOf([a.slug, b.slug, c.slug]);
    const order = async () => (await getOverview(person)).projects.map((p) => p.slug);
    expect(await order()).toEqual([c.slug, b.slug, a.slug]);
    await createRelease(system, a.slug, { version: "v2.0.0", commit: randomSha(), template: a.template });
    expect(await order()).toEqual([a.slug, c.slug, b.slug]);
    const overview = await getOverview(person);
    expect(overview).toMatchObject({ page: 1, pages: 1, totalProjects: 3 });
    expect(overview.projects[0]!.releases.map((r) => r.version)).toEqual(["v2.0.0", "v1.0.0"]);
    expect(overview.projects[0]!.role).toBe("viewer");
    // Someone in no project sees none.
    const stranger = await makeUser(null, null);
    expect((await getOverview(await principalOf(stranger.email))).projects).toEqual([]);
  });

  it("lists a project's newest in-flight releases and counts the rest; abandoned ones are not in flight", async () => {
    const p = await makeProject();
    for (let i = 1; i <= OVERVIEW_RELEASES + 2; i++) await createRelease(system, p.slug, { version: `v2.${i}.0`, commit: randomSha(), template: p.template });
    const person = await memberOf([p.slug]);
    const project = (await getOverview(person)).projects[0]!;
    expect(project.releases.map((r) => r.version)).toEqual(Array.from({ length: OVERVIEW_RELEASES }, (_, i) => `v2.${OVERVIEW_RELEASES + 2 - i}.0`));
    expect(project.moreReleases).toBe(3);
    await db().release.updateMany({ where: { version: "v1.0.0", project: { slug: p.slug } }, data: { status: "abandoned" } });
    expect((await getOverview(person)).projects[0]!.moreReleases).toBe(2);
  });

  it("pages through projects; a page out of range shows the nearest one", async () => {
    const mine = [];
    for (let i = 0; i < 22; i++) mine.push((await makeProject()).slug);
    const person = await memberOf(mine);
    const first = await getOverview(person);
    expect(first).toMatchObject({ page: 1, pages: 2, totalProjects: 22 });
    expect(first.projects).toHaveLength(20);
    const second = await getOverview(person, { page: 2 });
    expect(second.projects.map((p) => p.slug)).toEqual([mine[1], mine[0]]);
    expect(new Set([...first.projects, ...second.projects].map((p) => p.slug))).toEqual(new Set(mine));
    expect((await getOverview(person, { page: 99 })).page).toBe(2);
    expect((await getOverview(person, { page: Number.NaN })).page).toBe(1);
    expect((await getOverview(person, { page: -3 })).page).toBe(1);
  });
});
