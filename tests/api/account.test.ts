// A person's own account over HTTP: changing the password (every other session ends, this one
// continues with a new cookie; guesses at the current password are throttled with sign-in), and
// "sign out everywhere", for oneself and, by a project admin, for a member.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { makeProject, makeUser } from "../support/fixtures";
import { api, baseUrl, signIn } from "../support/http";
import { detailPaths, expectApiError } from "../support/errors";

type Project = Awaited<ReturnType<typeof makeProject>>;

const PASSWORD = "/api/v1/me/password";
const MY_SESSIONS = "/api/v1/me/sessions";
const release = (p: Project) => `/api/v1/projects/${p.slug}/releases/${p.version}`;
const memberSessions = (p: Project, userId: string) => `/api/v1/projects/${p.slug}/members/${userId}/sessions`;
const randomAddress = () => `2001:db8::${randomBytes(2).toString("hex")}:${randomBytes(2).toString("hex")}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const newPassword = () => `new-${randomBytes(12).toString("hex")}`;
/** Audit rows as text (their ids are bigints), to search for what must never be in them. */
const asText = (rows: unknown) => JSON.stringify(rows, (_key, value: unknown) => (typeof value === "bigint" ? String(value) : value));

/** A cookie-authenticated write as a browser on our own page sends it, from one client address. */
const from = (cookie: string, address = randomAddress()) => ({ cookie, origin: baseUrl(), "x-forwarded-for": address });

/** Whether this cookie is still a signed-in session (200 on a release the person may read). */
async function signedIn(p: Project, cookie: string): Promise<boolean> {
  const status = (await api(release(p), { headers: { cookie } })).status;
  expect([200, 401]).toContain(status);
  return status === 200;
}

/** The session cookie a response set, as a `name=value` cookie header, with its attributes. */
function sessionCookieSet(headers: Headers): { cookie: string; attributes: string[] } | null {
  const line = headers.getSetCookie().find((c) => c.split("=")[0]!.endsWith("next-auth.session-token"));
  if (!line) return null;
  const [cookie, ...attributes] = line.split(";").map((part) => part.trim());
  return { cookie: cookie!, attributes: attributes.map((a) => a.toLowerCase()) };
}

async function passwordSignInWorks(email: string, password: string): Promise<boolean> {
  return signIn(email, password).then(
    () => true,
    () => false,
  );
}

async function personOn(p: Project, role: Parameters<typeof makeUser>[1]) {
  const user = await makeUser(p.slug, role);
  return { ...user, cookie: await signIn(user.email, user.password) };
}

const userRow = (id: string) => db().user.findUniqueOrThrow({ where: { id } });

describe("changing the password", () => {
  it("old password fails, new one works; another session's cookie is refused; the changing session continues with the cookie it was sent", async () => {
    const p = await makeProject();
    const person = await personOn(p, "viewer");
    const otherDevice = await signIn(person.email, person.password);
    const before = await userRow(person.id);
    const next = newPassword();

    const changed = await api(PASSWORD, { json: { currentPassword: person.password, newPassword: next }, headers: from(person.cookie) });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body).toEqual({ userId: person.id, passwordChanged: true, otherSessionsEnded: true });
    expect(changed.headers.get("cache-control")).toContain("no-store");

    // This session: a new cookie, HttpOnly and SameSite=Lax on Path=/, that works.
    const reissued = sessionCookieSet(changed.headers);
    expect(reissued).not.toBeNull();
    expect(reissued!.cookie.startsWith("next-auth.session-token=")).toBe(true);
    expect(reissued!.attributes).toEqual(expect.arrayContaining(["httponly", "samesite=lax", "path=/"]));
    expect(reissued!.cookie).not.toBe(person.cookie);
    expect(await signedIn(p, reissued!.cookie)).toBe(true);
    // Every other session ends, and so does the cookie this browser had before the change.
    expect(await signedIn(p, otherDevice)).toBe(false);
    expect(await signedIn(p, person.cookie)).toBe(false);
    expect((await api(release(p), { headers: { cookie: otherDevice } })).status).toBe(401);

    expect(await passwordSignInWorks(person.email, person.password)).toBe(false);
    const fresh = await signIn(person.email, next);
    expect(await signedIn(p, fresh)).toBe(true);

    const after = await userRow(person.id);
    expect(after.sessionVersion).toBe(before.sessionVersion + 1);
    expect(after.passwordHash).toMatch(/^\$argon2id\$/);
    expect(after.passwordHash).not.toBe(before.passwordHash);

    // Audited on the instance chain, without either password anywhere in the trail.
    const events = await db().auditEvent.findMany({ where: { targetId: person.id }, orderBy: { id: "asc" } });
    const changedEvents = events.filter((e) => e.action === "auth.password.changed");
    expect(changedEvents).toHaveLength(1);
    expect(changedEvents[0]).toMatchObject({ projectId: null, actorUserId: person.id, actorLabel: person.email, after: { email: person.email, otherSessionsEnded: true } });
    const trail = asText(events);
    expect(trail).not.toContain(person.password);
    expect(trail).not.toContain(next);
  });

  it("a wrong current password: 403 JSON naming the field, nothing changed, every session still signed in, audited", async () => {
    const p = await makeProject();
    const person = await personOn(p, "viewer");
    const otherDevice = await signIn(person.email, person.password);
    const before = await userRow(person.id);
    const wrong = `${person.password}-nope`;

    const refused = await api(PASSWORD, { json: { currentPassword: wrong, newPassword: newPassword() }, headers: from(person.cookie) });
    const error = expectApiError(refused, 403, "forbidden");
    expect(error.message).toBe("The current password is not right. Nothing was changed.");
    expect(detailPaths(error)).toEqual(["currentPassword"]);
    expect(sessionCookieSet(refused.headers)).toBeNull();

    expect(await userRow(person.id)).toEqual(before);
    expect(await signedIn(p, person.cookie)).toBe(true);
    expect(await signedIn(p, otherDevice)).toBe(true);
    expect(await passwordSignInWorks(person.email, person.password)).toBe(true);
    const failed = await db().auditEvent.findMany({ where: { targetId: person.id, action: "auth.password.change_failed" } });
    expect(failed.map((e) => e.after)).toEqual([{ email: person.email, reason: "wrong_current_password" }]);
    expect(asText(failed)).not.toContain(wrong);
  });

  // The app under test locks an account after 10 failures for 5 s (scripts/lib/app-under-test.ts).
  it("wrong current passwords count like failed sign-ins: ever slower answers, then 429 for the change and for sign-in, until the lock runs out", async () => {
    const p = await makeProject();
    const person = await personOn(p, "viewer");
    const address = randomAddress();
    const before = await userRow(person.id);
    const attempt = async (currentPassword: string, next = newPassword()) => {
      const started = performance.now();
      const response = await api(PASSWORD, { json: { currentPassword, newPassword: next }, headers: from(person.cookie, address) });
      return { response, ms: performance.now() - started };
    };

    const wrong = [];
    for (let i = 0; i < 10; i++) wrong.push(await attempt(`guess-${i}-${person.password}`));
    expect(wrong.map((w) => w.response.status)).toEqual(Array(10).fill(403));
    // Failures 4 to 9 wait 50, 100, … ms (the 9th 1.6 s), as sign-in does; the 10th locks at once.
    expect(wrong[8]!.ms).toBeGreaterThanOrEqual(1_500);

    const locked = await attempt(person.password);
    const lockError = expectApiError(locked.response, 429, "rate_limited");
    expect(lockError.message).toMatch(/^Too many wrong passwords for this account\. Changing the password is locked; try again in \d+ seconds\.$/);
    expect(Number(locked.response.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    // One count for the account: sign-in with the right password is locked as well.
    expect(await passwordSignInWorks(person.email, person.password)).toBe(false);
    expect(await userRow(person.id)).toEqual(before);
    expect(await signedIn(p, person.cookie)).toBe(true);

    const reasons = (await db().auditEvent.findMany({ where: { targetId: person.id, action: "auth.password.change_failed" }, orderBy: { id: "asc" } })).map((e) => (e.after as { reason: string }).reason);
    expect(reasons).toEqual([...Array(10).fill("wrong_current_password"), "locked"]);

    await sleep(5_500);
    const next = newPassword();
    const changed = await attempt(person.password, next);
    expect(changed.response.status, JSON.stringify(changed.response.body)).toBe(200);
    expect(await passwordSignInWorks(person.email, next)).toBe(true);
  }, 60_000);

  it("an unacceptable new password: 422 with every problem at once, in plain words; it is not checked against the current one and not counted", async () => {
    const p = await makeProject();
    const person = await personOn(p, "viewer");
    const before = await userRow(person.id);
    const address = randomAddress();

    const both = expectApiError(await api(PASSWORD, { json: { currentPassword: "", newPassword: "short" }, headers: from(person.cookie, address) }), 422, "validation_failed");
    expect(both.details).toEqual([
      { path: "currentPassword", message: "Enter your current password." },
      { path: "newPassword", message: "The new password is too short: it has 5 characters and needs at least 12." },
    ]);
    const same = expectApiError(await api(PASSWORD, { json: { currentPassword: person.password, newPassword: person.password }, headers: from(person.cookie, address) }), 422, "validation_failed");
    expect(same.details).toEqual([{ path: "newPassword", message: "The new password is the same as the current one. Choose a different one." }]);
    const long = expectApiError(await api(PASSWORD, { json: { currentPassword: person.password, newPassword: "x".repeat(1025) }, headers: from(person.cookie, address) }), 422, "validation_failed");
    expect(long.details?.[0]?.message).toBe("The new password is too long: it has 1025 characters and may have at most 1024.");
    expectApiError(await api(PASSWORD, { json: { currentPassword: person.password, newPassword: " ".repeat(12) }, headers: from(person.cookie, address) }), 422, "validation_failed");
    expect(detailPaths(expectApiError(await api(PASSWORD, { json: { currentPassword: person.password, newPassword: newPassword(), role: "admin" }, headers: from(person.cookie, address) }), 422, "validation_failed"))).toEqual([""]);
    expectApiError(await api(PASSWORD, { json: { currentPassword: 1, newPassword: [] }, headers: from(person.cookie, address) }), 422, "validation_failed");
    expectApiError(await api(PASSWORD, { body: "currentPassword=x", headers: { ...from(person.cookie, address), "content-type": "application/x-www-form-urlencoded" } }), 415, "unsupported_media_type");
    expectApiError(await api(PASSWORD, { body: "{not json", headers: { ...from(person.cookie, address), "content-type": "application/json" } }), 400, "bad_request");
    // Wrong current password with a bad new one: the new one's problems, the current one unchecked.
    for (let i = 0; i < 12; i++) expectApiError(await api(PASSWORD, { json: { currentPassword: `wrong-${i}`, newPassword: "tiny" }, headers: from(person.cookie, address) }), 422, "validation_failed");

    expect(await userRow(person.id)).toEqual(before);
    expect(await db().auditEvent.count({ where: { targetId: person.id, action: { startsWith: "auth.password." } } })).toBe(0);
    // Twelve refusals counted nothing: the account is not locked.
    expect((await api(PASSWORD, { json: { currentPassword: person.password, newPassword: newPassword() }, headers: from(person.cookie, address) })).status).toBe(200);
  });

  it("is a signed-in person's own: no credentials 401, an API token 403, a cookie without our Origin 403; nothing changed", async () => {
    const p = await makeProject();
    const person = await personOn(p, "admin");
    const before = await userRow(person.id);
    const body = { currentPassword: person.password, newPassword: newPassword() };
    expectApiError(await api(PASSWORD, { json: body }), 401, "unauthorized");
    expect(expectApiError(await api(PASSWORD, { json: body, token: p.token }), 403, "forbidden").message).toContain("not an API token");
    expectApiError(await api(PASSWORD, { json: body, headers: { cookie: person.cookie } }), 403, "forbidden");
    expectApiError(await api(PASSWORD, { json: body, headers: { cookie: person.cookie, origin: "https://evil.example" } }), 403, "forbidden");
    // A session already ended (signed out elsewhere) cannot change anything.
    const ended = await signIn(person.email, person.password);
    await api(MY_SESSIONS, { method: "DELETE", headers: from(ended) });
    expectApiError(await api(PASSWORD, { json: body, headers: from(person.cookie) }), 401, "unauthorized");
    expect((await userRow(person.id)).passwordHash).toBe(before.passwordHash);
  });
});

describe("sign out everywhere", () => {
  it("for oneself: every session ends, this one included (its cookie is removed); audited", async () => {
    const p = await makeProject();
    const person = await personOn(p, "viewer");
    const otherDevice = await signIn(person.email, person.password);

    const ended = await api(MY_SESSIONS, { method: "DELETE", headers: from(person.cookie) });
    expect(ended.status, JSON.stringify(ended.body)).toBe(200);
    expect(ended.body).toEqual({ userId: person.id, sessionsEnded: true });
    const cleared = sessionCookieSet(ended.headers);
    expect(cleared?.cookie).toBe("next-auth.session-token=");
    expect(cleared?.attributes).toEqual(expect.arrayContaining(["max-age=0", "path=/"]));
    expect(await signedIn(p, person.cookie)).toBe(false);
    expect(await signedIn(p, otherDevice)).toBe(false);
    // API tokens are no session: the project's token still works.
    expect((await api(release(p), { token: p.token })).status).toBe(200);
    expect(await signedIn(p, await signIn(person.email, person.password))).toBe(true);

    const events = await db().auditEvent.findMany({ where: { targetId: person.id, action: "auth.sessions.ended" } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ projectId: null, actorUserId: person.id, after: { email: person.email, by: "self" } });

    expectApiError(await api(MY_SESSIONS, { method: "DELETE" }), 401, "unauthorized");
    expectApiError(await api(MY_SESSIONS, { method: "DELETE", token: p.token }), 403, "forbidden");
    const fresh = await signIn(person.email, person.password);
    expectApiError(await api(MY_SESSIONS, { method: "DELETE", headers: { cookie: fresh } }), 403, "forbidden");
    expect(await signedIn(p, fresh)).toBe(true);
  });

  it("for a member, by a project admin: the member's sessions end, the admin's do not; audited on the project", async () => {
    const p = await makeProject();
    const admin = await personOn(p, "admin");
    const engineer = await personOn(p, "engineer");
    const engineerLaptop = await signIn(engineer.email, engineer.password);

    const ended = await api(memberSessions(p, engineer.id), { method: "DELETE", headers: from(admin.cookie) });
    expect(ended.status, JSON.stringify(ended.body)).toBe(200);
    expect(ended.body).toEqual({ userId: engineer.id, sessionsEnded: true });
    expect(await signedIn(p, engineer.cookie)).toBe(false);
    expect(await signedIn(p, engineerLaptop)).toBe(false);
    expect(await signedIn(p, admin.cookie)).toBe(true);
    expect(await signedIn(p, await signIn(engineer.email, engineer.password))).toBe(true);

    const project = await db().project.findUniqueOrThrow({ where: { slug: p.slug } });
    const events = await db().auditEvent.findMany({ where: { projectId: project.id, action: "member.sessions_ended" } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorUserId: admin.id, targetId: engineer.id, after: { email: engineer.email } });
  });

  it("anyone else is refused with 403 JSON (404 outside the project, 401 signed out), and the member stays signed in", async () => {
    const p = await makeProject();
    const target = await personOn(p, "engineer");
    const before = (await userRow(target.id)).sessionVersion;
    const callers = [await personOn(p, "viewer"), await personOn(p, "engineer"), await personOn(p, "release-manager")];
    for (const caller of callers) {
      expect(expectApiError(await api(memberSessions(p, target.id), { method: "DELETE", headers: from(caller.cookie) }), 403, "forbidden").message).toContain("admin");
    }
    expectApiError(await api(memberSessions(p, target.id), { method: "DELETE", token: p.token }), 403, "forbidden");
    expectApiError(await api(memberSessions(p, target.id), { method: "DELETE" }), 401, "unauthorized");
    const outsider = await personOn(await makeProject(), "admin");
    expectApiError(await api(memberSessions(p, target.id), { method: "DELETE", headers: from(outsider.cookie) }), 404, "not_found");
    // An admin of this project, but the person is not a member of it.
    const admin = await personOn(p, "admin");
    const stranger = await makeUser(null, null);
    expectApiError(await api(memberSessions(p, stranger.id), { method: "DELETE", headers: from(admin.cookie) }), 404, "not_found");
    expectApiError(await api(memberSessions(p, "not-a-uuid"), { method: "DELETE", headers: from(admin.cookie) }), 404, "not_found");

    expect((await userRow(target.id)).sessionVersion).toBe(before);
    expect(await signedIn(p, target.cookie)).toBe(true);
  });

  it("an instance administrator who is a member: a project admin gets 403, another instance administrator may", async () => {
    const p = await makeProject();
    const projectAdmin = await personOn(p, "admin");
    const instanceAdmin = await personOn(p, "viewer");
    await db().user.update({ where: { id: instanceAdmin.id }, data: { isAdmin: true } });
    const otherInstanceAdmin = await makeUser(null, null, "root");
    await db().user.update({ where: { id: otherInstanceAdmin.id }, data: { isAdmin: true } });
    const root = await signIn(otherInstanceAdmin.email, otherInstanceAdmin.password);

    const refused = expectApiError(await api(memberSessions(p, instanceAdmin.id), { method: "DELETE", headers: from(projectAdmin.cookie) }), 403, "forbidden");
    expect(refused.message).toContain("instance administrator");
    expect(await signedIn(p, instanceAdmin.cookie)).toBe(true);

    expect((await api(memberSessions(p, instanceAdmin.id), { method: "DELETE", headers: from(root) })).status).toBe(200);
    expect(await signedIn(p, instanceAdmin.cookie)).toBe(false);
  });
});

describe("the account page's server actions", () => {
  function actionId(name: string): string {
    const manifest = JSON.parse(readFileSync(path.join(process.env.NEXT_DIST_DIR || ".next", "server", "server-reference-manifest.json"), "utf8")) as {
      node: Record<string, { filename?: string; exportedName?: string }>;
    };
    const id = Object.entries(manifest.node).find(([, entry]) => entry.filename === "app/account/actions.ts" && entry.exportedName === name)?.[0];
    expect(id, `${name} is not in the build's server action manifest`).toBeDefined();
    return id!;
  }

  async function callAction(name: string, args: unknown[], cookie?: string): Promise<string> {
    const response = await fetch(`${baseUrl()}/account`, {
      method: "POST",
      headers: { ...(cookie ? { cookie } : {}), "next-action": actionId(name), "content-type": "text/plain;charset=UTF-8", accept: "text/x-component", origin: baseUrl(), "x-forwarded-for": randomAddress() },
      body: JSON.stringify(args),
      redirect: "manual",
    });
    return response.text();
  }

  it("signed out: unauthorized, nothing changed; signed in: the form's problems all come back as details", async () => {
    const p = await makeProject();
    const person = await personOn(p, "viewer");
    const before = await userRow(person.id);
    const form = { currentPassword: person.password, newPassword: newPassword(), confirmPassword: "" };
    expect(await callAction("changePasswordAction", [form])).toMatch(/"ok":false,"error":\{"code":"unauthorized"/);
    expect(await callAction("signOutEverywhereAction", [])).toMatch(/"ok":false,"error":\{"code":"unauthorized"/);

    const refused = await callAction("changePasswordAction", [{ currentPassword: "", newPassword: "short", confirmPassword: "other" }], person.cookie);
    expect(refused).toMatch(/"code":"validation_failed"/);
    for (const message of ["Enter your current password.", "The new password is too short: it has 5 characters and needs at least 12.", "The two new passwords are different. Type the same new password twice."]) {
      expect(refused).toContain(message);
    }
    expect(await userRow(person.id)).toEqual(before);
    expect(await signedIn(p, person.cookie)).toBe(true);
  });
});
