// The CLI as one file (packages/cli/dist/shipcheck.mjs, built with the app), for CI to download
// with curl. Read once and kept, with a strong ETag from its SHA-256; read again when the file
// changes (a rebuild while the server runs).
import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import cliPackage from "@/packages/cli/package.json";

export const CLI_VERSION: string = cliPackage.version;

export type CliBundle = { body: Buffer; etag: string };

let cached: { mtimeMs: number; bundle: CliBundle } | null = null;

/** The built bundle, or null when it was not built (`npm run build -w packages/cli`). */
export async function readCliBundle(root = process.cwd()): Promise<CliBundle | null> {
  const file = path.join(root, "packages", "cli", "dist", "shipcheck.mjs");
  const info = await stat(file).catch(() => null);
  if (!info) return null;
  if (cached?.mtimeMs === info.mtimeMs) return cached.bundle;
  const body = await readFile(file);
  const bundle = { body, etag: `"${createHash("sha256").update(body).digest("base64url")}"` };
  cached = { mtimeMs: info.mtimeMs, bundle };
  return bundle;
}

/** `shipcheck.mjs` (the current one) or `shipcheck-<version>.mjs` (pinned): which it is. */
export function cliFileKind(name: string): "current" | "pinned" | "other-version" | "unknown" {
  if (name === "shipcheck.mjs") return "current";
  const version = /^shipcheck-(.+)\.mjs$/.exec(name)?.[1];
  if (!version) return "unknown";
  return version === CLI_VERSION ? "pinned" : "other-version";
}
