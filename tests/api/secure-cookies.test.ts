// Behind an HTTPS proxy (NEXTAUTH_URL https://…), every cookie Shipcheck sets is Secure and
// __Host- prefixed: the CSRF cookie, the session cookie at sign-in and the one a password change
// re-issues. The suite's own app, on plain http://localhost, sets them without either.
// This test starts a second app on the same database, at TEST_PORT + 1.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type RunningApp } from "../../scripts/lib/app-under-test";
import { makeProject, makeUser } from "../support/fixtures";
import { baseUrl, signIn } from "../support/http";
import { freePort } from "../support/free-port";

const PUBLIC_URL = "https://shipcheck.test";
let app: RunningApp | undefined;

beforeAll(async () => {
  const port = process.env.TEST_PORT ? Number(process.env.TEST_PORT) + 1 : await freePort();
  app = await startApp(process.cwd(), { port, databaseUrl: process.env.DATABASE_URL!, publicUrl: PUBLIC_URL, say: () => undefined });
}, 120_000);

afterAll(async () => {
  await app?.stop();
}, 30_000);

type SetCookie = { name: string; value: string; attributes: Map<string, string> };

function parseSetCookie(line: string): SetCookie {
  const [pair, ...rest] = line.split(";").map((part) => part.trim());
  const at = pair!.indexOf("=");
  const attributes = new Map(rest.map((a) => [a.split("=")[0]!.toLowerCase(), a.includes("=") ? a.slice(a.indexOf("=") + 1) : ""]));
  return { name: pair!.slice(0, at), value: pair!.slice(at + 1), attributes };
}

const setCookies = (response: Response) => response.headers.getSetCookie().map(parseSetCookie);

/** What a browser insists on for a `__Host-` cookie, plus what a session cookie must carry. */
function expectHostCookie(cookie: SetCookie | undefined, name: string) {
  expect(cookie, `no ${name} cookie`).toBeDefined();
  expect(cookie!.name).toBe(`__Host-${name}`);
  expect(cookie!.attributes.has("secure")).toBe(true);
  expect(cookie!.attributes.get("path")).toBe("/");
  expect(cookie!.attributes.has("domain")).toBe(false);
  expect(cookie!.attributes.has("httponly")).toBe(true);
  expect(cookie!.attributes.get("samesite")?.toLowerCase()).toBe("lax");
}

describe("cookies when the public URL is HTTPS", () => {
  it("the CSRF cookie, the session cookie at sign-in and the password change's new one are Secure and __Host- prefixed, and the session works", async () => {
    const base = app!.baseUrl;
    const csrf = await fetch(`${base}/api/auth/csrf`);
    expectHostCookie(setCookies(csrf).find((c) => c.name.endsWith("next-auth.csrf-token")), "next-auth.csrf-token");

    const p = await makeProject();
    const user = await makeUser(p.slug, "viewer");
    const cookie = await signIn(user.email, user.password, base);
    expect(cookie.startsWith("__Host-next-auth.session-token=")).toBe(true);
    const release = `${base}/api/v1/projects/${p.slug}/releases/${p.version}`;
    expect((await fetch(release, { headers: { cookie } })).status).toBe(200);
    // next-auth's default name would not be read: the cookie goes by the __Host- name only.
    expect((await fetch(release, { headers: { cookie: cookie.replace("__Host-", "__Secure-") } })).status).toBe(401);

    const session = await fetch(`${base}/api/auth/session`, { headers: { cookie } });
    expectHostCookie(setCookies(session).find((c) => c.name.endsWith("next-auth.session-token")), "next-auth.session-token");

    const changed = await fetch(`${base}/api/v1/me/password`, {
      method: "POST",
      headers: { cookie, origin: PUBLIC_URL, "content-type": "application/json", "x-forwarded-for": `2001:db8::${randomBytes(2).toString("hex")}` },
      body: JSON.stringify({ currentPassword: user.password, newPassword: `new-${randomBytes(12).toString("hex")}` }),
    });
    expect(changed.status, await changed.clone().text()).toBe(200);
    const reissued = setCookies(changed).find((c) => c.name.endsWith("next-auth.session-token"));
    expectHostCookie(reissued, "next-auth.session-token");
    expect(Number(reissued!.attributes.get("max-age"))).toBe(12 * 60 * 60);
    expect((await fetch(release, { headers: { cookie: `${reissued!.name}=${reissued!.value}` } })).status).toBe(200);
    expect((await fetch(release, { headers: { cookie } })).status).toBe(401);
  });

  it("over plain HTTP (the suite's app on localhost) the same cookies carry no prefix and no Secure, so local sign-in works", async () => {
    const csrf = setCookies(await fetch(`${baseUrl()}/api/auth/csrf`)).find((c) => c.name.endsWith("next-auth.csrf-token"));
    expect(csrf?.name).toBe("next-auth.csrf-token");
    expect(csrf?.attributes.has("secure")).toBe(false);
    const user = await makeUser(null, null);
    expect((await signIn(user.email, user.password)).startsWith("next-auth.session-token=")).toBe(true);
  });
});
