// Writes the next migration from the changes in prisma/schema.prisma:
//   tsx scripts/db-diff.ts <name>        e.g. tsx scripts/db-diff.ts add_release_notes
// It replays the existing migrations into a scratch database on the server of $DATABASE_URL
// (the user needs CREATEDB; DATABASE_URL's own database is not touched) and diffs that to the
// schema. Without DATABASE_URL it uses the embedded PostgreSQL (the running app's, or its own).
import { openLocalDatabase } from "@/lib/db/local-database";
import { diffSchemaToMigration } from "@/lib/db/migrate";

const USAGE = "Usage: tsx scripts/db-diff.ts <name>   (e.g. add_release_notes; npm: npm run db:diff -- <name>)";

async function main(): Promise<void> {
  const log = (msg: string) => console.log(msg);
  const args = process.argv.slice(2).filter((a) => a !== "--");
  const name = args[0];
  if (!name || args.length > 1 || name.startsWith("-")) {
    console.error(args.length > 1 ? `Expected one migration name, got ${args.length}: ${args.join(" ")}\n${USAGE}` : `Missing the migration name.\n${USAGE}`);
    process.exitCode = 2;
    return;
  }

  const database = await openLocalDatabase(log);
  try {
    await diffSchemaToMigration(database.databaseUrl, name, { log });
  } finally {
    await database.stop();
  }
}

main().catch((err: unknown) => {
  console.error(`db:diff failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
