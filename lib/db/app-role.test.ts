// The app's database role on a real PostgreSQL (DATABASE_URL, else the machine's), in a scratch
// database of its own: what it may do to the audit trail and to everything else.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRoleName, dropAppRole, regrantAppRole, setUpAppRole, type AppRole } from "./app-role";
import { APPEND_ONLY_TABLES } from "./append-only-tables";
import { createScratchDatabase, quoteIdent, type ScratchDatabase } from "./database-url";
import { applyMigrations } from "./migrate";

const ADMIN_URL = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

async function sql<T extends pg.QueryResultRow = pg.QueryResultRow>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

/** The error PostgreSQL answers `text` with, as `code: message` (or "ok"). */
async function refusal(url: string, text: string): Promise<string> {
  return sql(url, text).then(
    () => "ok",
    (err: { code?: string; message: string }) => `${err.code}: ${err.message}`,
  );
}

/** Tables whose triggers make them append-only, read from the catalog. */
async function triggerMarkedTables(url: string): Promise<string[]> {
  const rows = await sql<{ t: string }>(
    url,
    `SELECT DISTINCT c.relname AS t FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid JOIN pg_proc p ON p.oid = g.tgfoid
      WHERE NOT g.tgisinternal AND (g.tgname ILIKE '%append_only%' OR p.proname ILIKE '%append_only%') ORDER BY 1`,
  );
  return rows.map((r) => r.t);
}

describe("the app's database role", () => {
  let scratch: ScratchDatabase;
  let app: AppRole;
  let auditId: string;
  const extraRoles: string[] = [];

  beforeAll(async () => {
    scratch = await createScratchDatabase(ADMIN_URL, "shipcheck_test_role");
    await applyMigrations(scratch.url);
    app = await setUpAppRole(scratch.url);
    const [row] = await sql<{ id: string }>(scratch.url, `INSERT INTO "AuditEvent" ("actorLabel", action, "targetType") VALUES ('test', 'test.seeded', 'test') RETURNING id::text`);
    auditId = row!.id;
  }, 60_000);
  afterAll(async () => {
    await scratch?.drop();
    for (const role of [app?.role, ...extraRoles]) if (role) await dropAppRole(ADMIN_URL, role);
  });

  it("is this database's own ordinary login role, owning nothing", async () => {
    expect(app.role).toBe(appRoleName(scratch.name));
    expect(app.databaseUrl).toContain(`${app.role}:`);
    const [attributes] = await sql(scratch.url, `SELECT rolsuper, rolcreatedb, rolcreaterole, rolbypassrls, rolreplication, rolcanlogin FROM pg_roles WHERE rolname = $1`, [app.role]);
    expect(attributes).toEqual({ rolsuper: false, rolcreatedb: false, rolcreaterole: false, rolbypassrls: false, rolreplication: false, rolcanlogin: true });
    expect(await sql(scratch.url, `SELECT relname FROM pg_class WHERE pg_has_role($1, relowner, 'MEMBER') AND relnamespace = 'public'::regnamespace`, [app.role])).toEqual([]);
    expect((await sql<{ u: string }>(app.databaseUrl, "SELECT current_user AS u"))[0]!.u).toBe(app.role);
  });

  it("may read and add audit events, in no way change or remove one, nor switch off their trigger", async () => {
    const url = app.databaseUrl;
    expect(await refusal(url, `SELECT count(*) FROM "AuditEvent"`)).toBe("ok");
    expect(await refusal(url, `BEGIN; INSERT INTO "AuditEvent" ("actorLabel", action, "targetType") VALUES ('app', 'test.added', 'test'); ROLLBACK`)).toBe("ok");
    const denied = /^42501: permission denied for table AuditEvent$/;
    expect(await refusal(url, `UPDATE "AuditEvent" SET "actorLabel" = 'someone else' WHERE id = ${auditId}`)).toMatch(denied);
    expect(await refusal(url, `DELETE FROM "AuditEvent" WHERE id = ${auditId}`)).toMatch(denied);
    expect(await refusal(url, `TRUNCATE "AuditEvent"`)).toMatch(denied);
    expect(await refusal(url, `SELECT id FROM "AuditEvent" WHERE id = ${auditId} FOR UPDATE`)).toMatch(denied);
    const notOwner = /^42501: must be owner of (table|relation|function) /;
    expect(await refusal(url, `ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_append_only"`)).toMatch(notOwner);
    expect(await refusal(url, `ALTER TABLE "AuditEvent" DISABLE TRIGGER ALL`)).toMatch(notOwner);
    expect(await refusal(url, `DROP TRIGGER "AuditEvent_append_only" ON "AuditEvent"`)).toMatch(notOwner);
    expect(await refusal(url, `DROP TRIGGER "AuditEvent_no_truncate" ON "AuditEvent"`)).toMatch(notOwner);
    expect(await refusal(url, `ALTER TABLE "AuditEvent" ADD COLUMN note text`)).toMatch(notOwner);
    expect(await refusal(url, `DROP TABLE "AuditEvent"`)).toMatch(notOwner);
    expect(await refusal(url, `CREATE OR REPLACE FUNCTION shipcheck_audit_append_only() RETURNS trigger AS $$ BEGIN RETURN NEW; END $$ LANGUAGE plpgsql`)).toMatch(
      /^42501: (must be owner of function|permission denied for schema public)/,
    );
    // Replica mode skips ordinary triggers: only a superuser may set it.
    expect(await refusal(url, `SET session_replication_role = replica`)).toMatch(/^42501: permission denied to set parameter "session_replication_role"$/);
    // Granting itself more is a no-op (PostgreSQL only warns: it holds no grant option).
    await sql(url, `GRANT UPDATE, DELETE, TRUNCATE ON "AuditEvent" TO ${quoteIdent(app.role)}`);
    expect(await sql(scratch.url, `SELECT has_table_privilege($1, '"AuditEvent"', 'UPDATE, DELETE, TRUNCATE') AS p`, [app.role])).toEqual([{ p: false }]);
    expect(await sql(scratch.url, `SELECT "actorLabel" FROM "AuditEvent" WHERE id = ${auditId}`)).toEqual([{ actorLabel: "test" }]);
  });

  it("reads and writes every other table, uses the sequences, and leaves the migrations' bookkeeping alone", async () => {
    const rows = await sql<{ t: string; crud: boolean; truncate: boolean }>(
      scratch.url,
      `SELECT tablename AS t, has_table_privilege($1, format('%I', tablename), 'SELECT, INSERT, UPDATE, DELETE') AS crud,
              has_table_privilege($1, format('%I', tablename), 'TRUNCATE') AS truncate
         FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`,
      [app.role],
    );
    const ordinary = rows.filter((r) => !APPEND_ONLY_TABLES.includes(r.t) && r.t !== "_prisma_migrations");
    expect(ordinary.length).toBeGreaterThan(20);
    expect(ordinary.filter((r) => !r.crud || r.truncate)).toEqual([]);
    expect(await refusal(app.databaseUrl, `BEGIN; INSERT INTO "User" (id, email, name, "passwordHash") VALUES (gen_random_uuid(), 'x@example.com', 'x', 'x'); UPDATE "User" SET name = 'y'; DELETE FROM "User"; ROLLBACK`)).toBe("ok");
    expect(await refusal(app.databaseUrl, `SELECT * FROM _prisma_migrations`)).toMatch(/^42501: permission denied for table _prisma_migrations$/);
    expect(await sql(scratch.url, `SELECT sequencename FROM pg_sequences WHERE NOT has_sequence_privilege($1, format('%I', sequencename), 'USAGE')`, [app.role])).toEqual([]);
  });

  it("takes as append-only exactly the tables whose migrations gave them an append-only trigger", async () => {
    expect([...APPEND_ONLY_TABLES].sort()).toEqual(await triggerMarkedTables(scratch.url));
    expect(app.appendOnly.sort()).toEqual([...APPEND_ONLY_TABLES].sort());
  });

  it("covers a table a later migration adds, and one it makes append-only by trigger alone, at the next grant step", async () => {
    await sql(
      scratch.url,
      `CREATE TABLE "LaterCheckpoint" (id serial PRIMARY KEY, note text);
       CREATE FUNCTION shipcheck_later_append_only() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'append-only'; END $$ LANGUAGE plpgsql;
       CREATE TRIGGER "LaterCheckpoint_guard" BEFORE UPDATE OR DELETE ON "LaterCheckpoint" FOR EACH ROW EXECUTE FUNCTION shipcheck_later_append_only();
       CREATE TABLE "LaterPlain" (id serial PRIMARY KEY, note text);`,
    );
    try {
      expect(await refusal(app.databaseUrl, `SELECT * FROM "LaterPlain"`)).toMatch(/^42501: /); // not until the grant step
      expect(await regrantAppRole(scratch.url)).toEqual({ role: app.role, appendOnly: expect.arrayContaining(["AuditEvent", "LaterCheckpoint"]) });
      expect(await refusal(app.databaseUrl, `INSERT INTO "LaterCheckpoint" (note) VALUES ('a')`)).toBe("ok");
      expect(await refusal(app.databaseUrl, `UPDATE "LaterCheckpoint" SET note = 'b'`)).toMatch(/^42501: permission denied for table LaterCheckpoint$/);
      expect(await refusal(app.databaseUrl, `DROP TRIGGER "LaterCheckpoint_guard" ON "LaterCheckpoint"`)).toMatch(/^42501: must be owner/);
      expect(await refusal(app.databaseUrl, `INSERT INTO "LaterPlain" (note) VALUES ('a'); UPDATE "LaterPlain" SET note = 'b'; DELETE FROM "LaterPlain"`)).toBe("ok");
    } finally {
      await sql(scratch.url, `DROP TABLE "LaterCheckpoint", "LaterPlain"; DROP FUNCTION shipcheck_later_append_only()`);
    }
  });

  it("with SHIPCHECK_APP_DATABASE_URL: creates that role once, and refuses the owner, a superuser or another database", async () => {
    const named = `${scratch.name}_given`;
    extraRoles.push(named, `${scratch.name}_su`);
    const given = new URL(scratch.url);
    given.username = named;
    given.password = "given-password";
    const first = await setUpAppRole(scratch.url, { appUrl: given.toString() });
    expect(first).toMatchObject({ role: named, databaseUrl: given.toString() });
    const [{ hash }] = (await sql<{ hash: string }>(scratch.url, `SELECT rolpassword AS hash FROM pg_authid WHERE rolname = $1`, [named])) as [{ hash: string }];
    expect(hash).toMatch(/^SCRAM-SHA-256\$/);
    await setUpAppRole(scratch.url, { appUrl: given.toString() });
    expect((await sql(scratch.url, `SELECT rolpassword AS hash FROM pg_authid WHERE rolname = $1`, [named]))[0]).toEqual({ hash }); // left as it was

    const owner = new URL(scratch.url);
    await expect(setUpAppRole(scratch.url, { appUrl: owner.toString() })).rejects.toThrow(/is the owner that runs the migrations/);
    await sql(scratch.url, `CREATE ROLE ${quoteIdent(`${scratch.name}_su`)} LOGIN SUPERUSER`);
    const superuser = new URL(scratch.url);
    superuser.username = `${scratch.name}_su`;
    await expect(setUpAppRole(scratch.url, { appUrl: superuser.toString() })).rejects.toThrow(/is a superuser/);
    const elsewhere = new URL(given);
    elsewhere.pathname = "/postgres";
    await expect(setUpAppRole(scratch.url, { appUrl: elsewhere.toString() })).rejects.toThrow(/names database "postgres", but DATABASE_URL .* names "shipcheck_test_role_/);
  });
});
