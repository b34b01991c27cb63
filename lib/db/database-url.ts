// Small helpers around PostgreSQL connection URLs and whole databases (create, drop, scratch).
// Used by the migration tooling, the embedded PostgreSQL lifecycle and the test harness.
import { randomBytes } from "node:crypto";
import pg from "pg";

/**
 * Parses and checks a PostgreSQL connection URL. `variable` names where the value came from, so
 * the error tells the person what to fix (e.g. "DATABASE_URL").
 */
export function parseDatabaseUrl(value: string | undefined, variable = "DATABASE_URL"): URL {
  if (value === undefined || value.trim() === "") {
    throw new Error(`${variable} is not set: expected a URL like postgresql://user:password@host:5432/database.`);
  }
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new Error(`${variable} is not a valid URL: expected postgresql://user:password@host:5432/database, got "${redactDatabaseUrl(value)}".`);
  }
  if (url.protocol !== "postgresql:" && url.protocol !== "postgres:") {
    throw new Error(`${variable} must start with postgresql:// (or postgres://), got "${url.protocol}//…".`);
  }
  if (!url.hostname) {
    throw new Error(`${variable} has no host: expected postgresql://user:password@host:5432/database.`);
  }
  if (databaseName(url.toString()) === "") {
    throw new Error(`${variable} names no database: add one to the path, e.g. postgresql://user@host:5432/shipcheck.`);
  }
  return url;
}

/** The database named in a connection URL ("" when there is none). */
export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ""));
}

/** The same server and credentials, another database. Query parameters are kept. */
export function withDatabase(url: string, dbName: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(dbName)}`;
  return u.toString();
}

/** The URL with its password replaced by "***", for logs and error messages. */
export function redactDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return url.replace(/\/\/([^:/@]*):[^@/]*@/, "//$1:***@");
  }
}

/** Double-quotes a PostgreSQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A unique, valid database name such as `shipcheck_test_k3j9x0a1b2c3`. */
export function randomDatabaseName(prefix = "shipcheck_tmp"): string {
  return `${prefix}_${randomBytes(6).toString("hex")}`;
}

/** One connection for the length of `fn`, always closed; a connection failure names the server. */
export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  // An idle client can get an error event (server shut down): never let it crash the process.
  client.on("error", () => undefined);
  try {
    await client.connect();
  } catch (err) {
    throw new Error(`Cannot connect to PostgreSQL at ${redactDatabaseUrl(url)}: ${(err as Error).message}`, { cause: err });
  }
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function databaseExists(adminUrl: string, name: string): Promise<boolean> {
  return withClient(adminUrl, async (client) => {
    const res = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    return (res.rowCount ?? 0) > 0;
  });
}

/**
 * Creates database `name` on the server of `adminUrl` (any database on that server the user may
 * connect to; the user needs CREATEDB). With `ifNotExists`, an existing database is left alone.
 * Returns whether it was created.
 */
export async function createDatabase(adminUrl: string, name: string, opts: { ifNotExists?: boolean } = {}): Promise<boolean> {
  return withClient(adminUrl, async (client) => {
    if (opts.ifNotExists) {
      const res = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
      if ((res.rowCount ?? 0) > 0) return false;
    }
    try {
      await client.query(`CREATE DATABASE ${quoteIdent(name)}`);
    } catch (err) {
      // 42P04 duplicate_database: lost a race with another creator.
      if (opts.ifNotExists && (err as { code?: string }).code === "42P04") return false;
      throw err;
    }
    return true;
  });
}

/** Drops database `name` if it exists, disconnecting its sessions first. */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  if (databaseName(adminUrl) === name) {
    throw new Error(`Refusing to drop database "${name}" through a connection to that same database: pass an admin URL for another database (e.g. postgres).`);
  }
  await withClient(adminUrl, async (client) => {
    const version = Number((await client.query("SHOW server_version_num")).rows[0]?.server_version_num ?? 0);
    if (version >= 130000) {
      await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    } else {
      await client.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [name]);
      await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`);
    }
  });
}

export interface ScratchDatabase {
  name: string;
  /** URL of the new database (same server and credentials as the admin URL). */
  url: string;
  /** Drops the database; safe to call more than once. */
  drop(): Promise<void>;
}

/** Creates a fresh, uniquely named database, e.g. one per test run. */
export async function createScratchDatabase(adminUrl: string, prefix = "shipcheck_tmp"): Promise<ScratchDatabase> {
  const name = randomDatabaseName(prefix);
  await createDatabase(adminUrl, name);
  let dropped: Promise<void> | undefined;
  return {
    name,
    url: withDatabase(adminUrl, name),
    drop: () => (dropped ??= dropDatabase(adminUrl, name)),
  };
}
