// GET /api/v1/me/queue: what I can sign now, across my projects. The demo template has a
// release manager's approval (signed per environment) and an engineer's check done on staging
// after its deploy (verifyOn), which gates production.
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { makeProject, makeUser } from "../support/fixtures";
import { api, baseUrl, signIn } from "../support/http";

type Entry = { project: string; release: string; environment: string; blocks: string[]; item: string; role: string; detail: string; waitingSince: string; path: string };

async function queueOf(cookie: string): Promise<Entry[]> {
  const response = await api<{ items: Entry[] }>("/api/v1/me/queue", { headers: { cookie } });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body.items;
}

const inProject = (entries: Entry[], slug: string) => entries.filter((e) => e.project === slug).map((e) => `${e.item}@${e.environment}`).sort();

describe("GET /api/v1/me/queue", () => {
  it("lists the items my role can sign now, per environment, until I have signed them; a verifyOn item only after the deploy", async () => {
    const p = await makeProject();
    const elsewhere = await makeProject();
    const manager = await makeUser(p.slug, "release-manager");
    const engineer = await makeUser(p.slug, "engineer");
    const viewer = await makeUser(p.slug, "viewer");
    const [managerCookie, engineerCookie, viewerCookie] = await Promise.all([manager, engineer, viewer].map((u) => signIn(u.email, u.password)));

    const managerQueue = await queueOf(managerCookie!);
    expect(inProject(managerQueue, p.slug)).toEqual(["release-approval@production", "release-approval@staging"]);
    // Not a member there: nothing from that project.
    expect(inProject(managerQueue, elsewhere.slug)).toEqual([]);
    const staging = managerQueue.find((e) => e.project === p.slug && e.environment === "staging")!;
    expect(staging).toMatchObject({ release: p.version, blocks: ["staging"], role: "release-manager", detail: "needs 1 more sign-off from release-manager" });
    expect(staging.path).toBe(`/projects/${p.slug}/releases/${p.version}?env=staging#item-release-approval`);
    expect(Date.parse(staging.waitingSince)).not.toBeNaN();

    // The engineer's item waits for the deploy to staging; the approval is above their role.
    expect(inProject(await queueOf(engineerCookie!), p.slug)).toEqual([]);
    expect(await queueOf(viewerCookie!)).toEqual([]);
    const release = await db().release.findFirstOrThrow({ where: { version: p.version, project: { slug: p.slug } } });
    const deployedAt = new Date();
    await db().deployment.create({ data: { releaseId: release.id, projectId: release.projectId, environment: "staging", commitSha: release.commitSha, deployedBy: "test", deployedAt } });
    const engineerQueue = await queueOf(engineerCookie!);
    expect(inProject(engineerQueue, p.slug)).toEqual(["staging-ws-events@staging"]);
    expect(engineerQueue[0]).toMatchObject({ blocks: ["production"], role: "engineer", waitingSince: deployedAt.toISOString() });

    // Signed: gone from my queue for that environment, still there for the other. (A release
    // manager may give the engineer's sign-off too: it is in their queue since the deploy.)
    const signed = await api(`/api/v1/projects/${p.slug}/releases/${p.version}/items/release-approval/signoffs`, {
      json: { environment: "staging", comment: "notes and rota checked" },
      headers: { cookie: managerCookie!, origin: baseUrl() },
    });
    expect(signed.status).toBe(201);
    expect(inProject(await queueOf(managerCookie!), p.slug)).toEqual(["release-approval@production", "staging-ws-events@staging"]);
  });

  it("is for people: a token gets 403, nobody signed in 401", async () => {
    const p = await makeProject();
    expect((await api("/api/v1/me/queue", { token: p.token })).status).toBe(403);
    expect((await api("/api/v1/me/queue")).status).toBe(401);
  });
});
