// Applies pending migrations (prisma/migrations) to $DATABASE_URL, like `prisma migrate deploy`.
// Without DATABASE_URL: starts the embedded PostgreSQL (.data/pg), migrates it, stops it.
//   tsx scripts/db-migrate.ts
import { parseDatabaseUrl, redactDatabaseUrl } from "@/lib/db/database-url";
import { startEmbeddedPostgres } from "@/lib/db/embedded";
import { applyMigrations } from "@/lib/db/migrate";

async function main(): Promise<void> {
  const log = (msg: string) => console.log(msg);
  const fromEnv = process.env.DATABASE_URL;
  if (fromEnv !== undefined && fromEnv.trim() !== "") {
    const url = parseDatabaseUrl(fromEnv, "DATABASE_URL").toString();
    log(`Migrating ${redactDatabaseUrl(url)}`);
    const { applied } = await applyMigrations(url, { log });
    log(applied.length ? `Applied ${applied.length} migration(s).` : "Database is up to date.");
    return;
  }

  log("DATABASE_URL is not set: using the embedded PostgreSQL.");
  const pg = await startEmbeddedPostgres({ log });
  try {
    const { applied } = await applyMigrations(pg.databaseUrl, { log });
    log(applied.length ? `Applied ${applied.length} migration(s).` : "Database is up to date.");
  } finally {
    await pg.stop();
  }
}

main().catch((err: unknown) => {
  console.error(`db:migrate failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
