// Writes the next migration from the changes in prisma/schema.prisma:
//   tsx scripts/db-diff.ts <name>        e.g. tsx scripts/db-diff.ts add_release_notes
// It replays the existing migrations into a scratch database on the server of $DATABASE_URL
// (the user needs CREATEDB; DATABASE_URL's own database is not touched) and diffs that to the
// schema. Without DATABASE_URL it uses the embedded PostgreSQL (started and stopped here).
import { parseDatabaseUrl } from "@/lib/db/database-url";
import { startEmbeddedPostgres } from "@/lib/db/embedded";
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

  const fromEnv = process.env.DATABASE_URL;
  if (fromEnv !== undefined && fromEnv.trim() !== "") {
    const url = parseDatabaseUrl(fromEnv, "DATABASE_URL").toString();
    await diffSchemaToMigration(url, name, { log });
    return;
  }

  log("DATABASE_URL is not set: using the embedded PostgreSQL for the scratch database.");
  const pg = await startEmbeddedPostgres({ log });
  try {
    await diffSchemaToMigration(pg.adminUrl, name, { log });
  } finally {
    await pg.stop();
  }
}

main().catch((err: unknown) => {
  console.error(`db:diff failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
