// What the commands print: lines for people reading CI logs, or one JSON document with --json.
import type { Blocker } from "./types";

/** One blocking reason, with the failing tests a check names, as CI logs show it. */
export function printBlocker(b: Blocker): void {
  console.log(`  ✗ ${b.title} [${b.reason}]: ${b.detail}`);
  for (const f of b.failures ?? []) console.log(`      - ${f.key}${f.message ? `: ${f.message}` : ""}`);
  if (b.moreFailures) console.log(`      … and ${b.moreFailures} more`);
}

export function printJson(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}
