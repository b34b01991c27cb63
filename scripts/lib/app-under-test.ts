// A fresh database and the built app running on it: what the test runner and the benchmarks need.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import net from "node:net";
import path from "node:path";
import { appRoleName, dropAppRole, setUpAppRole } from "@/lib/db/app-role";
import { createDatabase, dropDatabase, randomDatabaseName, redactDatabaseUrl, withClient, withDatabase } from "@/lib/db/database-url";
import { startEmbeddedPostgres } from "@/lib/db/embedded";
import { applyMigrations } from "@/lib/db/migrate";
import { buildIfNeeded, serverScript, waitForHealth } from "./next-app";

type Say = (msg: string) => void;

export type FreshDatabase = {
  /** The owner's URL: migrations, fixtures and any test that needs to look behind the app's back. */
  databaseUrl: string;
  /** What the app connects with: its own role, which may only read and add to the audit trail. */
  appDatabaseUrl: string;
  appRole: string;
  name: string;
  drop(keep?: boolean): Promise<void>;
};

/**
 * A new, migrated database on DATABASE_URL's server, or on an embedded one kept in `.data/<dir>`,
 * with an app role of its own (`<database>_app`: roles are server-wide, so concurrent runs on one
 * server each get theirs), dropped with the database.
 */
export async function freshDatabase(root: string, options: { prefix: string; embeddedDir: string; embeddedPort: number; say: Say }): Promise<FreshDatabase> {
  const embedded = process.env.DATABASE_URL ? null : await startEmbeddedPostgres({ dataDir: path.join(root, ".data", options.embeddedDir), port: options.embeddedPort, log: options.say });
  const serverUrl = embedded?.adminUrl ?? process.env.DATABASE_URL!;
  await dropOrphanedAppRoles(serverUrl, options.prefix, options.say);
  const name = randomDatabaseName(options.prefix);
  await createDatabase(serverUrl, name);
  const databaseUrl = withDatabase(serverUrl, name);
  const role = appRoleName(name);
  options.say(`Fresh database ${redactDatabaseUrl(databaseUrl)}, app role ${role}`);
  const drop = async (keep = false) => {
    if (keep) options.say(`Kept ${name} and role ${role}`);
    else {
      await dropDatabase(serverUrl, name).catch((e: Error) => options.say(`could not drop ${name}: ${e.message}`));
      await dropAppRole(serverUrl, role).catch((e: Error) => options.say(`could not drop role ${role}: ${e.message}`));
    }
    await embedded?.stop();
  };
  try {
    await applyMigrations(databaseUrl);
    const app = await setUpAppRole(databaseUrl);
    return { databaseUrl, appDatabaseUrl: app.databaseUrl, appRole: app.role, name, drop };
  } catch (error) {
    await drop();
    throw error;
  }
}

/** App roles of test databases that no longer exist (a run that was killed): dropped. */
async function dropOrphanedAppRoles(serverUrl: string, prefix: string, say: Say): Promise<void> {
  const orphans = await withClient(serverUrl, async (client) =>
    (
      await client.query<{ rolname: string }>(
        `SELECT rolname FROM pg_roles r
          WHERE rolname ~ $1 AND NOT EXISTS (SELECT 1 FROM pg_database d WHERE d.datname || '_app' = r.rolname)`,
        [`^${prefix}_[0-9a-f]{12}_app$`],
      )
    ).rows.map((r) => r.rolname),
  );
  for (const role of orphans) {
    // Another run may be dropping it right now, or it may still hold privileges somewhere: leave it.
    await dropAppRole(serverUrl, role).then(
      () => say(`Dropped the leftover role ${role}`),
      () => undefined,
    );
  }
}

function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

export type RunningApp = { baseUrl: string; env: NodeJS.ProcessEnv; pid?: number; stop(): Promise<void> };

/**
 * Builds if needed and starts the app (scripts/server.mjs) on the port, with its own session secret, connected with
 * `databaseUrl` (the app role's, from freshDatabase or setUpAppRole).
 * `output`: the app's stdout and stderr line by line, instead of stderr passed through (tests read its log).
 * `publicUrl`: NEXTAUTH_URL, when it is not the port's own http://localhost URL.
 * `sessionSecret` and `publicUrl`: for several instances behind one load balancer, which must
 * share the secret (a session signed by one is read by the others) and the public URL.
 */
export async function startApp(
  root: string,
  options: { port: number; databaseUrl: string; say: Say; extraEnv?: Record<string, string>; output?: (line: string) => void; sessionSecret?: string; publicUrl?: string },
): Promise<RunningApp> {
  const baseUrl = `http://localhost:${options.port}`;
  const env: NodeJS.ProcessEnv = {
    // Sign-in throttling with short delays and locks, so tests that lock an account need not wait
    // long; the address limits stay above what the suites' own sign-ins from one address reach.
    SHIPCHECK_SIGNIN_DELAY_MS: "50",
    SHIPCHECK_SIGNIN_LOCK_SECONDS: "5",
    SHIPCHECK_SIGNIN_ADDRESS_FREE_FAILURES: "15",
    SHIPCHECK_SIGNIN_ADDRESS_LOCK_AFTER: "20",
    // The tests stand in for the proxies in front (here, and an edge proxy in 10/8): they say
    // which client a request is from.
    SHIPCHECK_TRUSTED_PROXIES: "127.0.0.1, ::1, 10.0.0.0/8",
    // GET /api/metrics is on for the suite's apps; tests find the scraper's token in their env.
    SHIPCHECK_METRICS_TOKEN: randomBytes(24).toString("hex"),
    // Notifications looked for and retried within a second, so delivery tests need not wait long.
    SHIPCHECK_NOTIFY_POLL_MS: "200",
    SHIPCHECK_NOTIFY_RETRY_BASE_MS: "200",
    SHIPCHECK_NOTIFY_RETRY_MAX_MS: "1000",
    // PromQL readings are read again after a second, and the schedule runs every second, so
    // tests against a real Prometheus see a changed value at once.
    SHIPCHECK_PROMETHEUS_MAX_AGE_SECONDS: "1",
    SHIPCHECK_PROMETHEUS_POLL_SECONDS: "1",
    SHIPCHECK_PROMETHEUS_TIMEOUT_MS: "2000",
    // Email goes to an SMTP server a test starts on this port when it needs one (projects email
    // nobody until their admins turn it on).
    SHIPCHECK_SMTP_URL: `smtp://127.0.0.1:${options.port + 21}`,
    // GitHub's REST API is a stand-in the GitHub App tests start on this port (tests/support/github-api.ts).
    SHIPCHECK_GITHUB_API_URL: `http://127.0.0.1:${options.port + 20}`,
    ...process.env,
    ...options.extraEnv,
    DATABASE_URL: options.databaseUrl,
    SHIPCHECK_APP_DATABASE_URL: options.databaseUrl,
    NEXT_TELEMETRY_DISABLED: "1",
    NEXTAUTH_SECRET: options.sessionSecret ?? randomBytes(32).toString("hex"),
    // The URL people use; a test may name an HTTPS one (behind a proxy) while it talks plain HTTP to the port.
    NEXTAUTH_URL: options.publicUrl ?? baseUrl,
    PORT: String(options.port),
  };
  if (await portInUse(options.port)) throw new Error(`port ${options.port} is already in use: stop what runs there or choose another port`);
  await buildIfNeeded(root, env, options.say);
  options.say(`Starting the app on ${baseUrl}`);
  // SHIPCHECK_PROFILE_DIR: write a V8 CPU profile of the app there when it stops (for benchmarks).
  const profile = process.env.SHIPCHECK_PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${process.env.SHIPCHECK_PROFILE_DIR}`] : [];
  const output = options.output;
  const server: ChildProcess = spawn(process.execPath, [...profile, serverScript(root), "-p", String(options.port)], { stdio: ["ignore", output ? "pipe" : "ignore", output ? "pipe" : "inherit"], env });
  if (output) {
    for (const stream of [server.stdout, server.stderr]) {
      let rest = "";
      stream?.setEncoding("utf8");
      stream?.on("data", (chunk: string) => {
        const lines = (rest + chunk).split("\n");
        rest = lines.pop() ?? "";
        for (const line of lines) output(line);
      });
    }
  }
  const stop = async () => {
    if (server.exitCode !== null || server.signalCode !== null) return;
    const exited = new Promise((r) => server.once("exit", r));
    server.kill("SIGTERM");
    // Next.js waits for open keep-alive connections; don't wait on them for long.
    const force = setTimeout(() => server.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(force);
  };
  if (!(await waitForHealth(baseUrl, server)) || server.exitCode !== null) {
    await stop();
    throw new Error(`the app did not become healthy on ${baseUrl}`);
  }
  return { baseUrl, env, pid: server.pid, stop };
}
