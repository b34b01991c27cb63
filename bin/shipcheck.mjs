#!/usr/bin/env node
// `npx shipcheck …` in a checkout: runs the TypeScript CLI through tsx.
import { register } from "tsx/esm/api";

register({ tsconfig: new URL("../tsconfig.json", import.meta.url).pathname });
const { main } = await import("../cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
