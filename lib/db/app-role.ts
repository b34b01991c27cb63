// The database role the application's queries run as: it may read and write the ordinary tables,
// only read and add to the append-only ones (the audit trail), and owns nothing, so it cannot
// alter a table or disable or drop a trigger. Migrations run as the owner (DATABASE_URL).
// See docs/decisions/008-database-roles.md.
//
// For scripts run with tsx (start script, test runner): not for Next.js server code.
import { createHash, randomBytes } from "node:crypto";
import type pg from "pg";
import { APPEND_ONLY_TABLES, APPEND_ONLY_TRIGGER_MARK, OWNER_ONLY_TABLES } from "./append-only-tables";
import { databaseName, quoteIdent, redactDatabaseUrl, withClient } from "./database-url";

type Log = (msg: string) => void;

export type AppRole = {
  role: string;
  /** What the app connects with: the owner's server and database, the app role's credentials. */
  databaseUrl: string;
  /** The tables the role may only read and add to. */
  appendOnly: string[];
};

const MAX_IDENTIFIER_BYTES = 63;

/** The app role of a database: `<database>_app`, hashed down to PostgreSQL's 63-byte limit. */
export function appRoleName(database: string): string {
  const name = `${database}_app`;
  if (Buffer.byteLength(name) <= MAX_IDENTIFIER_BYTES) return name;
  return `shipcheck_${createHash("sha256").update(database).digest("hex").slice(0, 16)}_app`;
}

/**
 * Makes sure the app role exists and has exactly its privileges on the owner's database, and returns
 * the URL the app should use. With `appUrl` (SHIPCHECK_APP_DATABASE_URL) the role is that URL's user:
 * created with that password when missing, otherwise left as it is. Without it the role is
 * `<database>_app`, created when missing and given a fresh random password every time (so only
 * the process that ran this knows it: one app instance per database).
 */
export async function setUpAppRole(ownerUrl: string, opts: { appUrl?: string; log?: Log } = {}): Promise<AppRole> {
  const log = opts.log ?? (() => undefined);
  const explicit = opts.appUrl?.trim() || undefined;
  const database = databaseName(ownerUrl);
  let url: URL;
  if (explicit) {
    url = new URL(explicit);
    if (databaseName(explicit) !== database) {
      throw new Error(`SHIPCHECK_APP_DATABASE_URL names database "${databaseName(explicit)}", but DATABASE_URL (where the migrations and grants go) names "${database}": use the same database in both.`);
    }
    if (!url.username) throw new Error("SHIPCHECK_APP_DATABASE_URL names no user: expected postgresql://shipcheck_app:password@host:5432/database.");
  } else {
    url = new URL(ownerUrl);
    url.username = appRoleName(database);
    url.password = randomBytes(24).toString("base64url");
  }
  const role = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);

  const appendOnly = await withClient(ownerUrl, async (client) => {
    const owner = (await client.query<{ u: string }>("SELECT current_user AS u")).rows[0]!.u;
    if (owner === role) {
      throw new Error(`The app's database role "${role}" is the owner that runs the migrations: give the app a role of its own (SHIPCHECK_APP_DATABASE_URL), or leave that variable unset.`);
    }
    const exists = (await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [role])).rowCount! > 0;
    const withPassword = password ? ` PASSWORD ${client.escapeLiteral(password)}` : "";
    if (!exists) {
      await createRole(client, role, withPassword, !explicit);
      log(`Created the app's database role ${role}`);
    } else if (!explicit) {
      await client.query(`ALTER ROLE ${quoteIdent(role)} WITH LOGIN${withPassword}`);
    }
    return grantAppPrivileges(client, role);
  });

  const databaseUrl = url.toString();
  await withClient(databaseUrl, (client) => client.query("SELECT 1")).catch((err: Error) => {
    throw new Error(
      `The app cannot connect to the database as "${role}" (${redactDatabaseUrl(databaseUrl)}): ${err.message}` +
        (explicit ? ". Check the user and password in SHIPCHECK_APP_DATABASE_URL." : ""),
      { cause: err },
    );
  });
  return { role, databaseUrl, appendOnly };
}

async function createRole(client: pg.Client, role: string, withPassword: string, replaceOnRace: boolean): Promise<void> {
  try {
    await client.query(`CREATE ROLE ${quoteIdent(role)} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS${withPassword}`);
  } catch (err) {
    // 42710 duplicate_object, 23505 unique_violation: another process created it just now.
    const code = (err as { code?: string }).code;
    if (code !== "42710" && code !== "23505") {
      throw new Error(`Cannot create the app's database role "${role}" (the owner needs CREATEROLE, or create the role yourself): ${(err as Error).message}`, { cause: err });
    }
    if (replaceOnRace) await client.query(`ALTER ROLE ${quoteIdent(role)} WITH LOGIN${withPassword}`);
  }
}

/**
 * The grant step, run (as the owner) after every migration: every table of the schema gets its
 * privileges set afresh, so a table added or made append-only by a later migration is covered the
 * first time this runs after it. Returns the append-only tables.
 */
export async function grantAppPrivileges(client: pg.Client, role: string): Promise<string[]> {
  const r = quoteIdent(role);
  const attributes = (await client.query<{ rolsuper: boolean; rolbypassrls: boolean }>("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = $1", [role])).rows[0];
  if (!attributes) throw new Error(`The app's database role "${role}" does not exist.`);
  if (attributes.rolsuper || attributes.rolbypassrls) {
    throw new Error(`The app's database role "${role}" is a superuser (or bypasses row security): it must be an ordinary role, or the audit trail is not protected from it.`);
  }

  // Only the database's owner may grant CONNECT; PUBLIC has it unless someone took it away.
  const database = (await client.query<{ d: string }>("SELECT current_database() AS d")).rows[0]!.d;
  await client.query(`GRANT CONNECT ON DATABASE ${quoteIdent(database)} TO ${r}`).catch(() => undefined);

  await client.query("BEGIN");
  try {
    // Two processes granting on the same tables at once can fail with "tuple concurrently updated".
    await client.query("SELECT pg_advisory_xact_lock(hashtext('shipcheck.app-role-grants'))");
    const schema = (await client.query<{ s: string }>("SELECT current_schema() AS s")).rows[0]!.s;
    const s = quoteIdent(schema);
    const tables = await client.query<{ name: string; owned: boolean; marked: boolean }>(
      `SELECT c.relname AS name,
              pg_has_role($2, c.relowner, 'MEMBER') AS owned,
              EXISTS (SELECT 1 FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
                       WHERE t.tgrelid = c.oid AND NOT t.tgisinternal
                         AND (position($3 in lower(t.tgname)) > 0 OR position($3 in lower(p.proname)) > 0)) AS marked
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')
        ORDER BY c.relname`,
      [schema, role, APPEND_ONLY_TRIGGER_MARK],
    );
    const owned = tables.rows.filter((t) => t.owned).map((t) => t.name);
    if (owned.length > 0) {
      throw new Error(`The app's database role "${role}" owns (or is a member of the owner of) ${owned.join(", ")}: it must not, or it could alter those tables and their triggers.`);
    }
    await client.query(`GRANT USAGE ON SCHEMA ${s} TO ${r}`);
    const appendOnly: string[] = [];
    for (const table of tables.rows) {
      const t = `${s}.${quoteIdent(table.name)}`;
      await client.query(`REVOKE ALL ON ${t} FROM ${r}`);
      if (OWNER_ONLY_TABLES.includes(table.name)) continue;
      if (table.marked || APPEND_ONLY_TABLES.includes(table.name)) {
        appendOnly.push(table.name);
        await client.query(`GRANT SELECT, INSERT ON ${t} TO ${r}`);
      } else {
        await client.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${t} TO ${r}`);
      }
    }
    await client.query(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA ${s} FROM ${r}`);
    await client.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${s} TO ${r}`);
    await client.query("COMMIT");
    return appendOnly;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  }
}

/**
 * The grant step on its own, after `npm run db:migrate`: for SHIPCHECK_APP_DATABASE_URL's role (set
 * up as above), else for `<database>_app` when it exists (its password is `npm start`'s to set).
 */
export async function regrantAppRole(ownerUrl: string, opts: { appUrl?: string; log?: Log } = {}): Promise<{ role: string; appendOnly: string[] } | null> {
  if (opts.appUrl?.trim()) return setUpAppRole(ownerUrl, opts);
  const role = appRoleName(databaseName(ownerUrl));
  return withClient(ownerUrl, async (client) => {
    if ((await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [role])).rowCount === 0) return null;
    return { role, appendOnly: await grantAppPrivileges(client, role) };
  });
}

/** Drops the role (after its database was dropped: privileges elsewhere would keep it). */
export async function dropAppRole(serverUrl: string, role: string): Promise<void> {
  await withClient(serverUrl, (client) => client.query(`DROP ROLE IF EXISTS ${quoteIdent(role)}`));
}
