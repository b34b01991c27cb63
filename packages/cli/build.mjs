// Bundles the CLI into one file, dist/shipcheck.mjs, that runs on Node 20+ with nothing installed
// beside it: what `npx @shipcheck/cli` runs and what the server hands out at /cli/shipcheck.mjs.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));

await build({
  absWorkingDir: here,
  entryPoints: ["src/bin.ts"],
  outfile: "dist/shipcheck.mjs",
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  minify: true,
  legalComments: "eof",
  // Prefer the dependencies' ES modules; a CommonJS one that still calls require() gets Node's.
  mainFields: ["module", "main"],
  banner: { js: '#!/usr/bin/env node\nimport { createRequire as __shipcheckRequire } from "node:module";\nconst require = __shipcheckRequire(import.meta.url);' },
  logLevel: "warning",
});
