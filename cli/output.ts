// CLI errors carry their exit code; everything else is a bug and exits 2.
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

export const usageError = (message: string, usage: string) => new CliError(`${message}\n\nUsage: ${usage}`, 2);

type PrintedBlocker = { title: string; reason: string; detail: string; failures?: { key: string; message: string | null }[]; moreFailures?: number };

/** One blocking reason, with the failing tests a check names, as CI logs show it. */
export function printBlocker(b: PrintedBlocker): void {
  console.log(`  ✗ ${b.title} [${b.reason}]: ${b.detail}`);
  for (const f of b.failures ?? []) console.log(`      - ${f.key}${f.message ? `: ${f.message}` : ""}`);
  if (b.moreFailures) console.log(`      … and ${b.moreFailures} more`);
}
