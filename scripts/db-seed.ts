// Seeds the demo project and the first administrator when they don't exist yet.
import { disconnectDb } from "@/lib/db/client";
import { openLocalDatabase } from "@/lib/db/local-database";
import { applyMigrations } from "@/lib/db/migrate";

async function main() {
  const database = await openLocalDatabase((m) => console.log(m));
  try {
    await applyMigrations(database.databaseUrl);
    process.env.DATABASE_URL = database.databaseUrl;
    const { seedDemo } = await import("@/lib/server/seed-demo");
    const outcome = await seedDemo();
    console.log(outcome.demoCreated ? "Seeded the demo project (release v0.1.0)." : "The demo project already exists.");
    if (outcome.admin) console.log(`Initial administrator: ${outcome.admin.email} / ${outcome.admin.password} (shown once)`);
  } finally {
    await disconnectDb();
    await database.stop();
  }
}

main().catch((error: Error) => {
  console.error(`db:seed failed: ${error.message}`);
  process.exitCode = 1;
});
