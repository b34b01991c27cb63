// Email notifications delivered to a real SMTP server (smtp-server, on the port the app under test
// was given in SHIPCHECK_SMTP_URL): to the members who can act, less those who turned the type off,
// and only for projects whose admins turned email on.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeProject } from "../support/fixtures";
import { api } from "../support/http";
import { person } from "../support/templates";
import { decodedText, SmtpReceiver } from "../support/smtp-receiver";
import { eventually } from "../support/webhook-receiver";

type Mail = { to: string[]; subject: string; type: string; text: string };

/** Headers unfolded, the body as sent (plain ASCII text here). */
function parse(raw: string, to: string[]): Mail {
  const [head = "", ...body] = raw.split(/\r?\n\r?\n/);
  const headers = head.replace(/\r?\n[ \t]+/g, " ");
  const header = (name: string) => new RegExp(`^${name}: (.*)$`, "im").exec(headers)?.[1]?.trim() ?? "";
  return { to, subject: header("Subject"), type: header("X-Shipcheck-Notification"), text: decodedText(body.join("\n\n")) };
}

const smtp = new SmtpReceiver();
const mails = () => smtp.mails.map((m) => parse(m.raw, m.to));

beforeAll(() => smtp.start());
afterAll(() => smtp.stop());

const recipientsOf = (type: string, slug: string) =>
  mails()
    .filter((m) => m.type === type && m.text.includes(`/projects/${slug}/`))
    .flatMap((m) => m.to)
    .sort();

describe("email notifications", () => {
  it("reach the people who can act over SMTP, and respect each person's choices", async () => {
    const p = await makeProject();
    const base = `/api/v1/projects/${p.slug}/releases/${p.version}`;
    const admin = await person(p.slug, "admin");
    const optedOut = await person(p.slug, "release-manager");
    const manager = await person(p.slug, "release-manager");
    const engineer = await person(p.slug, "engineer");
    await person(p.slug, "viewer");

    // Off until an admin turns it on; only admins may.
    expect((await api(`/api/v1/projects/${p.slug}/notifications`, { method: "PUT", headers: manager.headers, json: { email: true } })).status).toBe(403);
    const on = await api(`/api/v1/projects/${p.slug}/notifications`, { method: "PUT", headers: admin.headers, json: { email: true } });
    expect(on.body).toEqual({ email: true, smtpConfigured: true });
    const choice = await api("/api/v1/me/notifications", { method: "PUT", headers: optedOut.headers, json: { optOut: ["gate.opened"] } });
    expect(choice.status).toBe(200);

    // Smoke and throughput pass on staging: the release manager's approval is all that is left.
    expect((await api(`${base}/results`, { token: p.token, json: { environment: "staging", run: { id: "1", startedAt: new Date().toISOString() }, results: [{ key: "tests/smoke/test_a.py::test_ok", status: "passed" }] } })).status).toBe(201);
    expect((await api(`${base}/metrics`, { token: p.token, json: { environment: "staging", metrics: [{ name: "events_per_sec", value: 812 }] } })).status).toBe(201);
    await eventually(() => recipientsOf("signoff.needed", p.slug).length >= 3, "the sign-off-needed emails");
    // release-approval needs a release manager: the engineer and the viewer are not asked.
    expect(recipientsOf("signoff.needed", p.slug)).toEqual([admin.email, manager.email, optedOut.email].sort());
    const needed = mails().find((m) => m.type === "signoff.needed" && m.to.includes(manager.email))!;
    expect(needed.subject).toBe(`[Shipcheck] Project ${p.slug} ${p.version}: one sign-off left before the staging gate opens`);
    expect(needed.text).toContain("needs 1 more sign-off from release-manager");
    expect(needed.text).toContain(`/projects/${p.slug}/releases/${p.version}?env=staging`);

    expect((await api(`${base}/items/release-approval/signoffs`, { headers: manager.headers, json: { environment: "staging" } })).status).toBe(201);
    expect((await api(`${base}/deployments`, { token: p.token, json: { environment: "staging" } })).status).toBe(201);
    await eventually(() => recipientsOf("gate.opened", p.slug).length >= 2 && recipientsOf("deployment.recorded", p.slug).length >= 3, "gate-opened and deploy emails");
    // The one who turned "gate opened" off gets the deploy but not the opened gate.
    expect(recipientsOf("gate.opened", p.slug)).toEqual([admin.email, manager.email].sort());
    expect(recipientsOf("deployment.recorded", p.slug)).toEqual([admin.email, manager.email, optedOut.email].sort());
    expect(mails().some((m) => m.to.includes(engineer.email))).toBe(false);
    // Each was sent once, however many times the worker looked.
    expect(mails().filter((m) => m.type === "gate.opened" && m.text.includes(`/projects/${p.slug}/`))).toHaveLength(2);
  });

  it("go nowhere for a project that has not turned them on", async () => {
    const p = await makeProject();
    const base = `/api/v1/projects/${p.slug}/releases/${p.version}`;
    const manager = await person(p.slug, "release-manager");
    expect((await api(`${base}/results`, { token: p.token, json: { environment: "staging", run: { id: "1", startedAt: new Date().toISOString() }, results: [{ key: "tests/smoke/test_a.py::test_ok", status: "passed" }] } })).status).toBe(201);
    expect((await api(`${base}/metrics`, { token: p.token, json: { environment: "staging", metrics: [{ name: "events_per_sec", value: 812 }] } })).status).toBe(201);
    expect((await api(`${base}/items/release-approval/signoffs`, { headers: manager.headers, json: { environment: "staging" } })).status).toBe(201);
    // Long enough for the worker to have looked several times.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(mails().filter((m) => m.text.includes(`/projects/${p.slug}/`))).toEqual([]);
  });
});
