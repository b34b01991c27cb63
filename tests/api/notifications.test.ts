// Outgoing webhooks against a real HTTP receiver: signed the Standard Webhooks way (checked with
// the standardwebhooks package), retried after a 500, kept while the receiver is down, redelivered
// on request with the same id; endpoints are managed by project admins only.
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { makeProject, randomSha } from "../support/fixtures";
import { deployToStaging } from "../support/flow";
import { api } from "../support/http";
import { person, type Person } from "../support/templates";
import { eventually, WebhookReceiver, type Received } from "../support/webhook-receiver";

type Project = Awaited<ReturnType<typeof makeProject>>;
const hooks = (p: Project) => `/api/v1/projects/${p.slug}/webhooks`;

async function addWebhook(p: Project, admin: Person, json: unknown) {
  const created = await api(hooks(p), { headers: admin.headers, json });
  expect(created.status).toBe(201);
  return created.body as { id: string; secret: string; url: string };
}

const deliveries = async (p: Project, admin: Person, webhookId: string) => (await api(`${hooks(p)}/${webhookId}/deliveries`, { headers: admin.headers })).body.deliveries as {
  id: string;
  messageId: string;
  type: string;
  status: string;
  attempts: { statusCode: number | null; error: string | null }[];
}[];

function verified(secret: string, request: Received) {
  return new Webhook(secret).verify(request.body, request.headers as Record<string, string>) as { type: string; data: Record<string, unknown> };
}

describe("webhooks", () => {
  const receiver = new WebhookReceiver();
  beforeAll(() => receiver.start());
  afterAll(() => receiver.stop());

  it("are managed by project admins only, with the secret shown once and bad URLs refused", async () => {
    const p = await makeProject();
    const admin = await person(p.slug, "admin");
    const manager = await person(p.slug, "release-manager");
    const refused = await api(hooks(p), { headers: manager.headers, json: { url: receiver.url } });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("forbidden");
    expect((await api(hooks(p), { headers: manager.headers })).status).toBe(403);
    expect((await api(hooks(p), { token: p.token, json: { url: receiver.url } })).status).toBe(403);

    for (const url of ["ftp://example.com/x", "not a url", `https://example.com/${"x".repeat(2100)}`, "https://user:pw@example.com/"]) {
      const bad = await api(hooks(p), { headers: admin.headers, json: { url } });
      expect(bad.status, url.slice(0, 40)).toBe(422);
      expect(bad.body.error.details[0].path).toBe("url");
    }
    const unknownType = await api(hooks(p), { headers: admin.headers, json: { url: receiver.url, events: ["gate.exploded"] } });
    expect(unknownType.status).toBe(422);

    const created = await addWebhook(p, admin, { url: receiver.url, events: ["gate.opened"] });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const listed = await api(hooks(p), { headers: admin.headers });
    expect(listed.body.webhooks).toEqual([expect.objectContaining({ id: created.id, url: receiver.url, format: "standard", events: ["gate.opened"] })]);
    expect(JSON.stringify(listed.body)).not.toContain(created.secret);
    const audited = await db().auditEvent.findFirstOrThrow({ where: { action: "webhook.created", targetId: created.id }, select: { before: true, after: true } });
    expect(audited.after).toMatchObject({ url: receiver.url });
    expect(JSON.stringify(audited)).not.toContain(created.secret);

    expect((await api(`${hooks(p)}/${created.id}`, { method: "DELETE", headers: manager.headers })).status).toBe(403);
    expect((await api(`${hooks(p)}/${created.id}`, { method: "DELETE", headers: admin.headers })).status).toBe(200);
    expect((await api(`${hooks(p)}/${created.id}/deliveries`, { headers: admin.headers })).status).toBe(404);
  });

  it("announce a gate that opens and a deploy, signed, retried after a 500 until the receiver takes it", async () => {
    const p = await makeProject();
    const admin = await person(p.slug, "admin");
    const hook = await addWebhook(p, admin, { url: receiver.url });
    receiver.answerWith(500);
    const before = receiver.received.length;
    await deployToStaging(p);

    const opened = await eventually(() => receiver.received.slice(before).filter((r) => r.status === 200 && r.body.includes(p.slug) && r.body.includes('"gate.opened"')).at(0), "gate.opened delivered");
    const payload = verified(hook.secret, opened);
    expect(payload).toMatchObject({ type: "gate.opened", data: { project: { slug: p.slug }, release: { version: p.version, commit: p.commit }, environment: "staging", reasons: [] } });
    expect(payload.data.url).toMatch(new RegExp(`/projects/${p.slug}/releases/${p.version}\\?env=staging$`));
    const deployed = await eventually(() => receiver.received.slice(before).find((r) => r.status === 200 && r.body.includes(p.slug) && r.body.includes('"deployment.recorded"')), "deployment.recorded delivered");
    expect(verified(hook.secret, deployed)).toMatchObject({ type: "deployment.recorded", data: { environment: "staging" } });
    // A signature with another secret does not verify.
    expect(() => new Webhook(`whsec_${Buffer.from("another secret entirely").toString("base64")}`).verify(opened.body, opened.headers as Record<string, string>)).toThrow();

    // The first try got the 500: its delivery has that attempt, then the 200, under one webhook-id.
    const list = await eventually(async () => {
      const all = await deliveries(p, admin, hook.id);
      return all.length >= 2 && all.every((d) => d.status === "delivered") ? all : null;
    }, "both delivered");
    const retried = list.find((d) => d.attempts.length === 2)!;
    expect(retried.attempts.map((a) => a.statusCode).reverse()).toEqual([500, 200]);
    const tries = receiver.received.filter((r) => r.headers["webhook-id"] === retried.messageId);
    expect(tries.map((r) => r.status)).toEqual([500, 200]);
    expect(new Set(tries.map((r) => r.body)).size).toBe(1);
    // Announced once, however often the worker looked.
    expect(receiver.received.filter((r) => r.body.includes(p.slug) && r.body.includes('"gate.opened"') && r.status === 200)).toHaveLength(1);
  });

  it("lose nothing while the receiver is down, and redeliver on request with the same id", async () => {
    const p = await makeProject();
    const admin = await person(p.slug, "admin");
    const down = new WebhookReceiver();
    await down.start();
    const hook = await addWebhook(p, admin, { url: down.url, events: ["gate.opened", "gate.closed"] });
    await down.stop();
    await deployToStaging(p);
    await eventually(async () => (await deliveries(p, admin, hook.id)).some((d) => d.type === "gate.opened"), "gate.opened queued");
    // A rebuild binds a new commit: the staging gate closes again, with its reasons.
    const rebuilt = await api(`/api/v1/projects/${p.slug}/releases/${p.version}`, { method: "PATCH", token: p.token, json: { commit: randomSha() } });
    expect(rebuilt.status).toBe(200);
    await eventually(async () => {
      const all = await deliveries(p, admin, hook.id);
      return all.length === 2 && all.every((d) => d.attempts.length >= 2 && d.attempts.every((a) => a.statusCode === null && a.error)) ? all : null;
    }, "failed attempts recorded while down");

    await down.start(down.port);
    const closed = await eventually(() => down.ofType("gate.closed")[0], "gate.closed after the receiver is back", 20_000);
    const closedPayload = verified(hook.secret, closed);
    expect(closedPayload.data).toMatchObject({ environment: "staging" });
    expect((closedPayload.data.reasons as { item: string }[]).map((r) => r.item)).toEqual(expect.arrayContaining(["smoke-tests", "release-approval"]));
    await eventually(() => down.ofType("gate.opened")[0], "gate.opened after the receiver is back", 20_000);

    const delivered = (await deliveries(p, admin, hook.id)).find((d) => d.type === "gate.closed")!;
    const manager = await person(p.slug, "release-manager");
    const path = `${hooks(p)}/${hook.id}/deliveries/${delivered.id}/redeliver`;
    expect((await api(path, { method: "POST", headers: manager.headers })).status).toBe(403);
    expect((await api(`${hooks(p)}/${hook.id}/deliveries/00000000-0000-4000-8000-000000000000/redeliver`, { method: "POST", headers: admin.headers })).status).toBe(404);
    const again = await api(path, { method: "POST", headers: admin.headers });
    expect(again.status).toBe(202);
    const copies = await eventually(() => {
      const c = down.received.filter((r) => r.headers["webhook-id"] === delivered.messageId);
      return c.length === 2 ? c : null;
    }, "the redelivery");
    expect(copies[1]!.body).toBe(copies[0]!.body);
    expect(verified(hook.secret, copies[1]!).type).toBe("gate.closed");
    await down.stop();
  });

  it("in the Slack format carry the release, environment and a link, and escape untrusted text", async () => {
    const p = await makeProject();
    const admin = await person(p.slug, "admin");
    const slack = new WebhookReceiver();
    await slack.start();
    await addWebhook(p, admin, { url: slack.url, format: "slack", events: ["gate.opened"] });
    await deployToStaging(p);
    const message = await eventually(() => slack.received[0], "the Slack message");
    const body = JSON.parse(message.body) as { text: string; blocks: unknown[] };
    expect(body.text).toContain(`${p.version}: the staging gate is open`);
    expect(body.text).toMatch(new RegExp(`<http[^|]+/projects/${p.slug}/releases/${p.version}\\?env=staging\\|Open ${p.version} in Shipcheck>`));
    expect(body.blocks.length).toBeGreaterThan(0);
    await slack.stop();
  });
  it("announce a rejection with who rejected which item, and why", async () => {
    const p = await makeProject();
    const admin = await person(p.slug, "admin");
    const manager = await person(p.slug, "release-manager");
    const rejections = new WebhookReceiver();
    await rejections.start();
    const hook = await addWebhook(p, admin, { url: rejections.url, events: ["signoff.rejected"] });
    const rejected = await api(`/api/v1/projects/${p.slug}/releases/${p.version}/items/release-approval/rejections`, { headers: manager.headers, json: { environment: "staging", reason: "the <rota> has a gap" } });
    expect(rejected.status).toBe(201);
    const received = await eventually(() => rejections.received[0], "the rejection");
    const payload = verified(hook.secret, received);
    expect(payload).toMatchObject({ type: "signoff.rejected", data: { environment: "staging", release: { version: p.version }, reasons: [{ item: "release-approval", reason: "rejected", detail: "the <rota> has a gap" }] } });
    expect(payload.data.actor).toContain(manager.email);
    expect(rejections.received).toHaveLength(1);
    await rejections.stop();
  });
});
