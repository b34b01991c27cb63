// The Markdown worker for code run from source (tests, scripts under tsx), where no bundler made
// it a JavaScript chunk: esbuild (which tsx itself uses) bundles markdown-worker.ts into one
// CommonJS file, kept under node_modules/.cache until one of its inputs changes. Starting a
// thread from that file takes a fraction of what loading the TypeScript through tsx takes in
// every new thread. Inside Next.js this module is never loaded (markdown-pool.ts).
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const ENTRY = path.join(ROOT, "lib", "templates", "markdown-worker.ts");
const CACHE = path.join(ROOT, "node_modules", ".cache", "shipcheck");
const MANIFEST = path.join(CACHE, "markdown-worker.json");
const BUNDLE = path.join(CACHE, "markdown-worker.cjs");

type Manifest = { inputs: string[]; digest: string };

async function digestOf(inputs: string[]): Promise<string> {
  const hash = createHash("sha256");
  for (const input of inputs) hash.update(input).update("\0").update(await readFile(path.join(ROOT, input))).update("\0");
  return hash.digest("hex");
}

async function cached(): Promise<string | undefined> {
  try {
    const manifest = JSON.parse(await readFile(MANIFEST, "utf8")) as Manifest;
    if ((await digestOf(manifest.inputs)) !== manifest.digest) return undefined;
    return await readFile(BUNDLE, "utf8");
  } catch {
    return undefined;
  }
}

async function bundle(): Promise<string> {
  const { build } = await import("esbuild");
  const result = await build({ entryPoints: [ENTRY], absWorkingDir: ROOT, bundle: true, platform: "node", format: "cjs", target: "node20", write: false, metafile: true, logLevel: "silent" });
  const code = result.outputFiles[0]!.text;
  const inputs = Object.keys(result.metafile.inputs).sort();
  try {
    await mkdir(CACHE, { recursive: true });
    // Written aside and renamed, so a reader in another process never sees half a file.
    const suffix = `.${process.pid}.${Date.now()}`;
    await writeFile(BUNDLE + suffix, code);
    await rename(BUNDLE + suffix, BUNDLE);
    await writeFile(MANIFEST + suffix, JSON.stringify({ inputs, digest: await digestOf(inputs) } satisfies Manifest));
    await rename(MANIFEST + suffix, MANIFEST);
  } catch {
    // A read-only checkout: bundle again next time.
  }
  return code;
}

let source: Promise<string> | undefined;

/** The worker's code, to start with `new Worker(code, { eval: true })`; one bundle per process at most. */
export function markdownWorkerSource(): Promise<string> {
  source ??= cached().then((code) => code ?? bundle());
  source.catch(() => (source = undefined));
  return source;
}
