// Building and waiting for the Next.js app; shared by `npm start` and the test runner.
import { spawnSync, type ChildProcess } from "node:child_process";
import { readdir, stat } from "node:fs/promises";
import path from "node:path";

const BUILD_INPUTS = ["app", "components", "lib", "public", "prisma/schema.prisma", "package-lock.json", "next.config.ts", "proxy.ts", "instrumentation.ts", "postcss.config.mjs", "tsconfig.json", "packages/cli/package.json"];

export function nextBin(root: string): string {
  return path.join(root, "node_modules", "next", "dist", "bin", "next");
}

/** The app's server (Next.js behind node:http, which tells the handlers each connection's peer). */
export function serverScript(root: string): string {
  return path.join(root, "scripts", "server.mjs");
}

/** Newest modification time under the given paths. */
async function newestSource(root: string, paths: string[]): Promise<number> {
  let newest = 0;
  for (const entry of paths) {
    const full = path.join(root, entry);
    const info = await stat(full).catch(() => null);
    if (!info) continue;
    if (info.isDirectory()) {
      const children = await readdir(full);
      newest = Math.max(newest, await newestSource(root, children.map((c) => path.join(entry, c))));
    } else newest = Math.max(newest, info.mtimeMs);
  }
  return newest;
}

/** The CLI's one-file bundle, which the app serves at /cli/shipcheck.mjs: a second to build, so always. */
export function buildCli(root: string, env: NodeJS.ProcessEnv): void {
  const built = spawnSync(process.execPath, [path.join(root, "packages", "cli", "build.mjs")], { stdio: "inherit", env });
  if (built.status !== 0) throw new Error("building the CLI bundle failed (see above)");
}

/** Builds the CLI bundle, and the app unless `.next` is newer than every source the build reads. */
export async function buildIfNeeded(root: string, env: NodeJS.ProcessEnv, say: (msg: string) => void): Promise<void> {
  buildCli(root, env);
  const stamp = await stat(path.join(root, env.NEXT_DIST_DIR || ".next", "BUILD_ID")).catch(() => null);
  if (stamp && stamp.mtimeMs >= (await newestSource(root, BUILD_INPUTS))) return;
  say(stamp ? "Sources changed since the last build: building…" : "First run: building the app (about a minute)…");
  const built = spawnSync(process.execPath, [nextBin(root), "build"], { stdio: "inherit", env });
  if (built.status !== 0) throw new Error("next build failed (see above)");
}

/** Polls /api/health until it answers 200, or the server process exits, or time runs out. */
export async function waitForHealth(baseUrl: string, child: ChildProcess, timeoutMs = 120_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && child.exitCode === null) {
    const ok = await fetch(`${baseUrl}/api/health`).then((r) => r.ok, () => false);
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 300));
  }
  return false;
}
