// The database a local command should use: DATABASE_URL when set, else the embedded PostgreSQL,
// reusing the one the running app started or starting it for the length of the command.
import { readFile } from "node:fs/promises";
import pg from "pg";
import { parseDatabaseUrl, withDatabase } from "./database-url";
import { effectiveDataDir } from "./embedded-location";
import { DEFAULT_EMBEDDED_DATA_DIR, DEFAULT_EMBEDDED_DATABASE, resolveEmbeddedPort, startEmbeddedPostgres } from "./embedded";

/** `dataDir`: the embedded server's data directory (as root, maybe outside the checkout), else null. */
export type LocalDatabase = { databaseUrl: string; embedded: boolean; dataDir: string | null; stop(): Promise<void> };

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_500 });
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function openLocalDatabase(log: (msg: string) => void = () => undefined): Promise<LocalDatabase> {
  const configured = process.env.DATABASE_URL?.trim();
  if (configured) {
    parseDatabaseUrl(configured);
    return { databaseUrl: configured, embedded: false, dataDir: null, stop: async () => undefined };
  }
  const port = resolveEmbeddedPort();
  const dataDir = await effectiveDataDir(DEFAULT_EMBEDDED_DATA_DIR);
  const password = await readFile(`${dataDir}-password`, "utf8").then((s) => s.trim(), () => null);
  if (password) {
    const url = withDatabase(`postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`, DEFAULT_EMBEDDED_DATABASE);
    // Already running (the app started it): share it, and leave it running afterwards.
    if (await answers(url)) return { databaseUrl: url, embedded: true, dataDir, stop: async () => undefined };
  }
  const running = await startEmbeddedPostgres({ log });
  return { databaseUrl: running.databaseUrl, embedded: true, dataDir: running.dataDir, stop: running.stop };
}
