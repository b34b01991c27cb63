// `shipcheck <command>` as CI runs it: everything here talks to a Shipcheck server over HTTP
// (SHIPCHECK_URL, SHIPCHECK_TOKEN) and needs nothing installed but Node.
import type { Command } from "./args";
import { parseCommand } from "./args";
import { gate } from "./commands/gate";
import { releaseCreate } from "./commands/release-create";
import { report } from "./commands/report";
import { templatePush } from "./commands/template-push";
import { ApiError } from "./api-client";
import { CliError } from "./errors";
import { CLI_VERSION } from "./version";

export const COMMANDS: Record<string, Command> = {
  report,
  gate,
  "release create": releaseCreate,
  "template push": templatePush,
};

export const HELP = `Usage: shipcheck <command> [options]      (shipcheck ${CLI_VERSION})

Commands (against SHIPCHECK_URL with SHIPCHECK_TOKEN):
${Object.values(COMMANDS)
  .map((c) => `  ${c.usage.replace(/^shipcheck /, "")}`)
  .join("\n")}

Every command takes --help (what it does, its options and exit codes) and --json (machine-readable
output on stdout). Failed requests are retried with backoff while Shipcheck is unreachable or
answers 5xx/429 (SHIPCHECK_RETRY_ATTEMPTS, default 5; SHIPCHECK_RETRY_MAX_SECONDS, default 120).
  --version    print the version
`;

/** The command named by the first words of argv, and the rest. */
export function findCommand(argv: string[]): { name: string; command: Command; args: string[] } | null {
  for (const words of [2, 1]) {
    const name = argv.slice(0, words).join(" ");
    const command = COMMANDS[name];
    if (command && argv.length >= words) return { name, command, args: argv.slice(words) };
  }
  return null;
}

export async function main(argv: string[], env: Record<string, string | undefined> = process.env): Promise<number> {
  const json = argv.includes("--json");
  try {
    if (argv[0] === "--version" || argv[0] === "-v" || argv[0] === "version") {
      console.log(json ? JSON.stringify({ version: CLI_VERSION }) : CLI_VERSION);
      return 0;
    }
    if (argv.length === 0 || argv[0] === "help" || argv[0] === "--help" || argv[0] === "-h") {
      console.log(HELP);
      return argv.length === 0 ? 2 : 0;
    }
    const found = findCommand(argv);
    if (!found) {
      console.error(`shipcheck: unknown command "${argv.slice(0, 2).join(" ")}"\n\n${HELP}`);
      return 2;
    }
    const parsed = parseCommand(found.command, found.args);
    if (!parsed) return 0;
    return await found.command.run(parsed, env);
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    console.error(`shipcheck: ${message}`);
    // Scripts reading stdout get an answer too.
    if (json) console.log(JSON.stringify({ error: { message, ...(error instanceof ApiError ? { status: error.status } : {}) } }));
    return error instanceof CliError ? error.exitCode : 2;
  }
}
