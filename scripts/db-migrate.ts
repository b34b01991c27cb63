// Applies pending migrations (prisma/migrations) like `prisma migrate deploy`: to $DATABASE_URL,
// else to the embedded PostgreSQL (the running app's, or one started for the command); then the
// grant step for the app's database role.
//   npm run db:migrate
import { regrantAppRole } from "@/lib/db/app-role";
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
    // The grant step belongs to every migration: a new table gets the app role's privileges now.
    const granted = await regrantAppRole(database.databaseUrl, { appUrl: process.env.SHIPCHECK_APP_DATABASE_URL, log });
    log(granted ? `Granted the app role ${granted.role} its privileges (append-only: ${granted.appendOnly.join(", ")}).` : "No app role yet: npm start creates it.");
  } finally {
    await database.stop();
  }
}

main().catch((err: unknown) => {
  console.error(`db:migrate failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
