// `npm test`: typecheck and lint, unit tests, then the built app on a fresh PostgreSQL database,
// exercised over HTTP (API tests) and in Chromium (Playwright). `tsx scripts/test.ts unit|api|e2e`
// runs one part; file names after the part run only those (`tsx scripts/test.ts api tests/api/x.test.ts`).
// The database server is DATABASE_URL's, or an embedded one when that is unset.
import { spawnSync } from "node:child_process";
import { freshDatabase, startApp, type RunningApp } from "./lib/app-under-test";

const root = process.cwd();
const part = process.argv[2] ?? "all";
/** Only these test files, when given (for api and e2e). */
const only = process.argv.slice(3);
const say = (msg: string) => console.log(`\n[test] ${msg}`);
const TEST_PORT = Number(process.env.TEST_PORT ?? 3100);

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): boolean {
  const result = spawnSync(command, args, { stdio: "inherit", env, cwd: root });
  return result.status === 0;
}

async function main(): Promise<number> {
  if (!["all", "unit", "api", "e2e"].includes(part)) {
    console.error(`unknown part "${part}": use all, unit, api or e2e`);
    return 2;
  }
  const failures: string[] = [];
  if (part === "all") {
    say("Typecheck");
    if (!run("npx", ["next", "typegen"]) || !run("npx", ["tsc", "--noEmit"])) failures.push("typecheck");
    say("Lint");
    if (!run("npx", ["eslint", "--max-warnings=0", "."])) failures.push("lint");
  }

  const database = await freshDatabase(root, { prefix: "shipcheck_test", embeddedDir: "pg-test", embeddedPort: Number(process.env.TEST_EMBEDDED_PG_PORT ?? 54330), say });
  let app: RunningApp | undefined;
  try {
    // Tests talk to the database as its owner (fixtures, and checks behind the app's back); the app
    // runs as its restricted role, whose URL tests find in SHIPCHECK_TEST_APP_DATABASE_URL.
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: database.databaseUrl, SHIPCHECK_TEST_APP_DATABASE_URL: database.appDatabaseUrl, NEXT_TELEMETRY_DISABLED: "1" };
    delete env.SHIPCHECK_APP_DATABASE_URL;
    if (part === "all" || part === "unit") {
      say("Unit tests");
      if (!run("npx", ["vitest", "run", "--project", "unit", ...only], env)) failures.push("unit");
    }
    if (part !== "unit") {
      app = await startApp(root, { port: TEST_PORT, databaseUrl: database.appDatabaseUrl, say });
      const testEnv: NodeJS.ProcessEnv = { ...app.env, DATABASE_URL: env.DATABASE_URL, SHIPCHECK_TEST_APP_DATABASE_URL: env.SHIPCHECK_TEST_APP_DATABASE_URL, SHIPCHECK_TEST_URL: app.baseUrl };
      delete testEnv.SHIPCHECK_APP_DATABASE_URL;
      if (part === "all" || part === "api") {
        say("API tests over HTTP");
        if (!run("npx", ["vitest", "run", "--project", "api", ...only], testEnv)) failures.push("api");
      }
      if (part === "all" || part === "e2e") {
        say("End-to-end tests in Chromium");
        if (!run("npx", ["playwright", "test", ...only], testEnv)) failures.push("e2e");
      }
    }
  } finally {
    await app?.stop();
    await database.drop(Boolean(process.env.KEEP_TEST_DB));
  }
  say(failures.length ? `FAILED: ${failures.join(", ")}` : "All test suites passed.");
  return failures.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`[test] ${error.message}`);
    process.exit(1);
  },
);
