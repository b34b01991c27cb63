// The app under test connects as its own database role (scripts/test.ts gives the tests its URL in
// SHIPCHECK_TEST_APP_DATABASE_URL): its connections are that role's, and that role cannot rewrite
// the audit trail the app writes, by any SQL, nor switch off the trigger that guards it.
import pg from "pg";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { releaseRow } from "../support/db-state";
import { makeProject } from "../support/fixtures";
import { api } from "../support/http";

const appUrl = () => {
  const url = process.env.SHIPCHECK_TEST_APP_DATABASE_URL;
  if (!url) throw new Error("SHIPCHECK_TEST_APP_DATABASE_URL is not set: run the API tests through scripts/test.ts");
  return url;
};
const appRole = () => decodeURIComponent(new URL(appUrl()).username);

async function asApp(text: string): Promise<string> {
  const client = new pg.Client({ connectionString: appUrl() });
  await client.connect();
  try {
    await client.query(text);
    return "ok";
  } catch (err) {
    return `${(err as { code?: string }).code}: ${(err as Error).message}`;
  } finally {
    await client.end();
  }
}

describe("the app's database role", () => {
  it("is what the running app connects as: not the owner, not a superuser; health says nothing odd", async () => {
    const health = await api<{ status: string; database: { ok: boolean; error?: string } }>("/api/health");
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: "ok", database: { ok: true } });
    expect(health.body.database.error).toBeUndefined();

    const [owner] = await db().$queryRaw<{ u: string }[]>`SELECT current_user AS u`;
    expect(appRole()).not.toBe(owner!.u);
    const sessions = await db().$queryRaw<{ usename: string }[]>`
      SELECT DISTINCT usename FROM pg_stat_activity WHERE datname = current_database() AND usename = ${appRole()}`;
    expect(sessions).toEqual([{ usename: appRole() }]); // the app's pool holds connections as that role
    const [attributes] = await db().$queryRaw<{ rolsuper: boolean; owns: boolean }[]>`
      SELECT rolsuper, EXISTS (SELECT 1 FROM pg_class WHERE relname = 'AuditEvent' AND pg_has_role(${appRole()}, relowner, 'MEMBER')) AS owns
        FROM pg_roles WHERE rolname = ${appRole()}`;
    expect(attributes).toEqual({ rolsuper: false, owns: false });
  });

  it("cannot change, remove, truncate or unguard the events the app wrote", async () => {
    const p = await makeProject();
    const created = await api(`/api/v1/projects/${p.slug}/releases`, { token: p.token, json: { version: "v2.0.0", commit: p.commit, template: p.template } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const { releaseId } = await releaseRow(p.slug, "v2.0.0");
    const event = await db().auditEvent.findFirstOrThrow({ where: { releaseId } });

    const denied = /^42501: permission denied for table AuditEvent$/;
    expect(await asApp(`UPDATE "AuditEvent" SET "actorLabel" = 'someone else' WHERE id = ${event.id}`)).toMatch(denied);
    expect(await asApp(`DELETE FROM "AuditEvent" WHERE id = ${event.id}`)).toMatch(denied);
    expect(await asApp(`TRUNCATE "AuditEvent"`)).toMatch(denied);
    const notOwner = /^42501: must be owner of (table|relation) AuditEvent$/;
    expect(await asApp(`ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_append_only"`)).toMatch(notOwner);
    expect(await asApp(`ALTER TABLE "AuditEvent" DISABLE TRIGGER ALL`)).toMatch(notOwner);
    expect(await asApp(`DROP TRIGGER "AuditEvent_append_only" ON "AuditEvent"`)).toMatch(notOwner);
    expect(await asApp(`DROP TRIGGER "AuditEvent_no_truncate" ON "AuditEvent"`)).toMatch(notOwner);
    expect(await asApp(`SET session_replication_role = replica`)).toMatch(/^42501: permission denied to set parameter/);

    expect(await db().auditEvent.findUniqueOrThrow({ where: { id: event.id } })).toEqual(event);
    const trail = await api<{ chain: { ok: boolean } }>(`/api/v1/projects/${p.slug}/releases/v2.0.0/audit`, { token: p.token });
    expect(trail.status).toBe(200);
    expect(trail.body.chain.ok).toBe(true);
  });
});
