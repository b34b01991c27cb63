// `npm start` (and `npm run dev` with --dev): database, migrations, first-run seed, build if
// needed, then Next.js on $PORT. Stops everything it started on SIGINT/SIGTERM.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { redactDatabaseUrl } from "@/lib/db/database-url";
import { openLocalDatabase } from "@/lib/db/local-database";
import { setUpAppRole } from "@/lib/db/app-role";
import { applyMigrations } from "@/lib/db/migrate";
import { EnvError, readServerEnv } from "@/lib/env";
import { loadSigningKey, SIGNING_KEY_ENV } from "@/lib/server/audit-signing-key";
import { buildCli, buildIfNeeded, serverScript, waitForHealth } from "./lib/next-app";

const root = process.cwd();
const dataDir = path.join(root, ".data");
const dev = process.argv.includes("--dev");
const say = (msg: string) => console.log(`[shipcheck] ${msg}`);

async function secret(): Promise<string> {
  if (process.env.NEXTAUTH_SECRET) return process.env.NEXTAUTH_SECRET;
  const file = path.join(dataDir, "nextauth-secret");
  const saved = await readFile(file, "utf8").then((s) => s.trim(), () => "");
  if (saved) return saved;
  const created = randomBytes(32).toString("hex");
  await writeFile(file, `${created}\n`, { mode: 0o600 });
  return created;
}

async function main(): Promise<number> {
  let env;
  try {
    env = readServerEnv();
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
  await mkdir(dataDir, { recursive: true, mode: 0o755 });
  await chmod(dataDir, 0o755);
  // Made (or read) before anything is audited, so a bad key stops the start, not a request.
  const signingKey = loadSigningKey({ dataDir });
  say(`Audit signing key ${signingKey.keyId} (${signingKey.source === SIGNING_KEY_ENV ? SIGNING_KEY_ENV : path.relative(root, signingKey.source)}); its public key: GET /api/v1/audit/public-key`);

  const database = await openLocalDatabase(say);
  let stopping = false;
  let child: ChildProcess | undefined;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child!.once("exit", r));
      child.kill("SIGTERM");
      // Next.js waits for open keep-alive connections (a browser tab) before exiting: don't wait forever.
      const force = setTimeout(() => child!.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(force);
    }
    await database.stop();
    process.exit(code);
  };
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));

  try {
    say(`Database: ${redactDatabaseUrl(database.databaseUrl)}${database.embedded ? ` (embedded, data in ${database.dataDir})` : ""}`);
    const { applied } = await applyMigrations(database.databaseUrl);
    if (applied.length) say(`Applied migrations: ${applied.join(", ")}`);
    // Migrations ran as the owner; the app (and the seed below) run as the restricted app role.
    const appRole = await setUpAppRole(database.databaseUrl, { appUrl: env.SHIPCHECK_APP_DATABASE_URL, log: say });
    say(`The app connects as database role ${appRole.role} (append-only for it: ${appRole.appendOnly.join(", ")})`);
    process.env.DATABASE_URL = database.databaseUrl;
    process.env.SHIPCHECK_APP_DATABASE_URL = appRole.databaseUrl;

    const { seedDemo } = await import("@/lib/server/seed-demo");
    const { disconnectDb } = await import("@/lib/db/client");
    const seeded = await seedDemo(root);
    await disconnectDb();
    if (seeded.demoCreated) say("Seeded the demo project: release v0.1.0 (small checklist) and v1.8.0 (the team's deployment checklist).");

    const url = env.NEXTAUTH_URL ?? `http://localhost:${env.PORT}`;
    const childEnv = {
      ...process.env,
      // The owner's credentials stay out of the app's process.
      DATABASE_URL: appRole.databaseUrl,
      SHIPCHECK_APP_DATABASE_URL: appRole.databaseUrl,
      NEXTAUTH_SECRET: await secret(),
      NEXTAUTH_URL: url,
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: String(env.PORT),
    };
    const adminFile = path.join(dataDir, "initial-admin.txt");
    if (seeded.admin) {
      await writeFile(adminFile, `email: ${seeded.admin.email}\npassword: ${seeded.admin.password}\n`, { mode: 0o600 });
    }

    if (dev) buildCli(root, childEnv);
    else await buildIfNeeded(root, childEnv, say);
    child = spawn(process.execPath, [serverScript(root), ...(dev ? ["--dev"] : []), "-p", String(env.PORT)], { stdio: ["ignore", "inherit", "inherit"], env: childEnv });
    child.once("exit", (code) => void shutdown(code ?? 1));
    if (await waitForHealth(`http://127.0.0.1:${env.PORT}`, child)) {
      say(`Shipcheck is running at ${url}`);
      if (seeded.admin) {
        say(`Sign in as ${seeded.admin.email} with password ${seeded.admin.password}`);
        say(`(shown once; also saved in ${path.relative(root, adminFile)})`);
      } else if (existsSync(adminFile)) {
        say(`The initial administrator's password is in ${path.relative(root, adminFile)}`);
      }
    }
    return await new Promise<number>(() => undefined);
  } catch (error) {
    console.error(`[shipcheck] ${(error as Error).message}`);
    await shutdown(1);
    return 1;
  }
}

void main();
