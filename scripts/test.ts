// `npm test`: typecheck and lint, unit tests, then the built app on a fresh PostgreSQL database,
// exercised over HTTP (API tests) and in Chromium (Playwright). `tsx scripts/test.ts unit|api|e2e`
// runs one part. The database server is DATABASE_URL's, or an embedded one when that is unset.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import net from "node:net";
import path from "node:path";
import { createDatabase, dropDatabase, randomDatabaseName, redactDatabaseUrl, withDatabase } from "@/lib/db/database-url";
import { startEmbeddedPostgres } from "@/lib/db/embedded";
import { applyMigrations } from "@/lib/db/migrate";
import { buildIfNeeded, nextBin, waitForHealth } from "./lib/next-app";

const root = process.cwd();
const part = process.argv[2] ?? "all";
const say = (msg: string) => console.log(`\n[test] ${msg}`);
const TEST_PORT = Number(process.env.TEST_PORT ?? 3100);

function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

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

  // A database server: the given one, or an embedded one kept apart from the app's own data.
  const embedded = process.env.DATABASE_URL ? null : await startEmbeddedPostgres({ dataDir: path.join(root, ".data", "pg-test"), port: Number(process.env.TEST_EMBEDDED_PG_PORT ?? 54330), log: (m) => say(m) });
  const serverUrl = embedded?.adminUrl ?? process.env.DATABASE_URL!;
  const name = randomDatabaseName("shipcheck_test");
  await createDatabase(serverUrl, name);
  const databaseUrl = withDatabase(serverUrl, name);
  say(`Fresh database ${redactDatabaseUrl(databaseUrl)}`);
  let server: ChildProcess | undefined;
  try {
    await applyMigrations(databaseUrl);
    const env = { ...process.env, DATABASE_URL: databaseUrl, NEXT_TELEMETRY_DISABLED: "1" };

    if (part === "all" || part === "unit") {
      say("Unit tests");
      if (!run("npx", ["vitest", "run", "--project", "unit"], env)) failures.push("unit");
    }
    if (part !== "unit") {
      const baseUrl = `http://localhost:${TEST_PORT}`;
      const appEnv = { ...env, NEXTAUTH_SECRET: randomBytes(32).toString("hex"), NEXTAUTH_URL: baseUrl, PORT: String(TEST_PORT) };
      if (await portInUse(TEST_PORT)) throw new Error(`port ${TEST_PORT} is already in use: stop what runs there or set TEST_PORT`);
      await buildIfNeeded(root, appEnv, say);
      say(`Starting the app on ${baseUrl}`);
      server = spawn(process.execPath, [nextBin(root), "start", "-p", String(TEST_PORT)], { stdio: ["ignore", "ignore", "inherit"], env: appEnv });
      if (!(await waitForHealth(baseUrl, server)) || server.exitCode !== null) throw new Error(`the app did not become healthy on ${baseUrl}`);
      const testEnv = { ...appEnv, SHIPCHECK_TEST_URL: baseUrl };
      if (part === "all" || part === "api") {
        say("API tests over HTTP");
        if (!run("npx", ["vitest", "run", "--project", "api"], testEnv)) failures.push("api");
      }
      if (part === "all" || part === "e2e") {
        say("End-to-end tests in Chromium");
        if (!run("npx", ["playwright", "test"], testEnv)) failures.push("e2e");
      }
    }
  } finally {
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server!.once("exit", r));
      server.kill("SIGTERM");
      const force = setTimeout(() => server!.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(force);
    }
    if (process.env.KEEP_TEST_DB) say(`Kept ${name}`);
    else await dropDatabase(serverUrl, name).catch((e: Error) => say(`could not drop ${name}: ${e.message}`));
    await embedded?.stop();
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
