// The log an operator reads: JSON lines, one access line per request with its request id, route
// and status; and no secret ever in it (a bearer token, a password, a secret-looking query value).
// A second app on the suite's database, at TEST_PORT + 3, whose output the test reads.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type RunningApp } from "../../scripts/lib/app-under-test";
import { makeProject, makeUser } from "../support/fixtures";
import { api, signIn } from "../support/http";
import { freePort } from "../support/free-port";

let app: RunningApp | undefined;
const lines: string[] = [];

beforeAll(async () => {
  const port = process.env.TEST_PORT ? Number(process.env.TEST_PORT) + 3 : await freePort();
  app = await startApp(process.cwd(), { port, databaseUrl: process.env.SHIPCHECK_TEST_APP_DATABASE_URL ?? process.env.DATABASE_URL!, output: (line) => lines.push(line), say: () => undefined });
}, 120_000);

afterAll(async () => {
  await app?.stop();
}, 30_000);

type Entry = { level: number; time: string; msg: string; requestId?: string; method?: string; path?: string; route?: string; status?: number; ms?: number; ip?: string | null };
const entries = (): Entry[] => lines.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Entry);

/** Waits until the access lines of the given request ids are all written (a response's end comes first). */
async function accessLines(ids: string[]): Promise<Entry[]> {
  for (let i = 0; i < 50; i++) {
    const found = entries().filter((e) => e.msg === "request" && ids.includes(e.requestId ?? ""));
    if (ids.every((id) => found.some((e) => e.requestId === id))) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no access line for some of ${ids.join(", ")}`);
}

describe("logs", () => {
  it("are JSON lines with exactly one access line per request, carrying its request id, route, status and time", async () => {
    const ids = Array.from({ length: 5 }, (_, i) => `trace-${i}-${randomBytes(4).toString("hex")}`);
    for (const id of ids) expect((await api("/api/health", { base: app!.baseUrl, headers: { "x-request-id": id } })).status).toBe(200);
    const missing = await api("/api/v1/projects/no-such-project/releases/v1/gate?environment=staging", { base: app!.baseUrl, headers: { "x-request-id": "trace-404" } });
    expect(missing.status).toBe(401);
    const found = await accessLines([...ids, "trace-404"]);
    expect(found).toHaveLength(ids.length + 1);
    for (const entry of found.filter((e) => e.requestId !== "trace-404")) {
      expect(entry).toMatchObject({ level: 30, method: "GET", path: "/api/health", route: "/api/health", status: 200, ip: "127.0.0.1" });
      expect(entry.ms).toBeGreaterThanOrEqual(0);
      expect(Date.parse(entry.time)).not.toBeNaN();
    }
    expect(found.find((e) => e.requestId === "trace-404")).toMatchObject({ status: 401, route: "/api/v1/projects/:project/releases/:version/gate" });
    // An implausible id is not echoed into the log; the line still gets one.
    await api("/api/health", { base: app!.baseUrl, headers: { "x-request-id": "bad id\twith tab" } });
    await new Promise((r) => setTimeout(r, 300));
    expect(lines.some((l) => l.includes("bad id"))).toBe(false);
  });

  it("never hold a bearer token, a password or a secret-looking query value", async () => {
    const p = await makeProject();
    const person = await makeUser(p.slug, "release-manager");
    const posted = await api(`/api/v1/projects/${p.slug}/releases/${p.version}/results`, {
      base: app!.baseUrl,
      token: p.token,
      headers: { "x-request-id": "trace-post" },
      json: { environment: "staging", results: [{ key: "tests/smoke/test_a.py::test_ok", status: "passed" }] },
    });
    expect(posted.status).toBe(201);
    const secret = `s3cret-${randomBytes(8).toString("hex")}`;
    await api(`/api/v1/projects/${p.slug}/releases/${p.version}/badge.svg?environment=staging&key=${secret}&token=${secret}`, { base: app!.baseUrl, headers: { "x-request-id": "trace-badge" } });
    const badgeKey = `bdg_${randomBytes(32).toString("base64url")}`;
    await api(`/api/v1/badges/${badgeKey}/latest/staging.svg`, { base: app!.baseUrl });
    await signIn(person.email, person.password, app!.baseUrl);
    await signIn(person.email, `${person.password}-wrong`, app!.baseUrl).catch(() => undefined);
    const [post, badge] = [...(await accessLines(["trace-post", "trace-badge"]))].sort((a) => (a.requestId === "trace-post" ? -1 : 1));
    expect(post).toMatchObject({ method: "POST", status: 201, route: "/api/v1/projects/:project/releases/:version/results" });
    expect(badge!.path).toContain("environment=staging");
    expect(badge!.path).toContain("key=%5Bredacted%5D");
    await new Promise((r) => setTimeout(r, 300));
    const all = lines.join("\n");
    expect(all).toContain("/api/v1/badges/[redacted]/latest/staging.svg");
    for (const value of [p.token, secret, person.password, badgeKey]) expect(all).not.toContain(value);
  });
});
