// Applies pending migrations (prisma/migrations) like `prisma migrate deploy`: to $DATABASE_URL,
// else to the embedded PostgreSQL (the running app's, or one started for the command).
//   npm run db:migrate
import { redactDatabaseUrl } from "@/lib/db/database-url";
import { openLocalDatabase } from "@/lib/db/local-database";
import { applyMigrations } from "@/lib/db/migrate";

async function main(): Promise<void> {
  const log = (msg: string) => console.log(msg);
  const database = await openLocalDatabase(log);
  try {
    log(`Migrating ${redactDatabaseUrl(database.databaseUrl)}`);
    const { applied } = await applyMigrations(database.databaseUrl, { log });
    log(applied.length ? `Applied ${applied.length} migration(s).` : "Database is up to date.");
  } finally {
    await database.stop();
  }
}

main().catch((err: unknown) => {
  console.error(`db:migrate failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
