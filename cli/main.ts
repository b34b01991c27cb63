// `npx shipcheck <command>` in a checkout: local administration against the database and offline
// verification here; the CI commands (report, gate, release create, template push) are the
// standalone package's (packages/cli), the same code CI downloads as one file.
import { openLocalDatabase } from "@/lib/db/local-database";
import { AppError } from "@/lib/errors";
import { ZodError } from "zod";
import { CliError } from "@/packages/cli/src/errors";
import { findCommand, HELP as CI_HELP, main as ciMain } from "@/packages/cli/src/main";

const HELP = `${CI_HELP}
Local administration (uses DATABASE_URL, or the embedded PostgreSQL under .data/):
  user create     --email <email> [--role <role> --project <slug>] [--name <name>] [--password <pw>] [--admin]
  project create  --slug <slug> --name <name> --environments staging,production
  token create    --project <slug> --name <name> [--permissions results:write,...] [--expires-days <n>]

Offline:
  verify          <evidence-pack.json> --key <public key>    check an exported evidence pack: its signature, audit chain
                  and signed checkpoints against the server's public key (a file, or the PEM or base64 itself; from
                  GET /api/v1/audit/public-key); exit 0 intact, 1 altered, 2 unreadable. Without --key the pack is
                  checked against its own key, which shows it is self-consistent, not that it is the server's
`;

type Command = (args: string[]) => Promise<number>;

/**
 * Commands that work on the database directly. Loaded on use, so running only the CI commands
 * needs neither the database layer nor a generated Prisma client.
 */
const LOCAL: Record<string, () => Promise<Command>> = {
  "user create": async () => (await import("./admin-commands")).userCreate,
  "project create": async () => (await import("./admin-commands")).projectCreate,
  "token create": async () => (await import("./admin-commands")).tokenCreate,
};

async function withLocalDatabase(command: Command, args: string[]): Promise<number> {
  const database = await openLocalDatabase((msg) => console.error(msg));
  process.env.DATABASE_URL = database.databaseUrl;
  const { disconnectDb } = await import("@/lib/db/client");
  try {
    return await command(args);
  } finally {
    await disconnectDb();
    await database.stop();
  }
}

export async function main(argv: string[]): Promise<number> {
  const name = argv.slice(0, 2).join(" ");
  try {
    if (argv.length === 0 || argv[0] === "help" || argv[0] === "--help" || argv[0] === "-h") {
      console.log(HELP);
      return argv.length === 0 ? 2 : 0;
    }
    if (argv[0] === "--version" || findCommand(argv)) return await ciMain(argv);
    // Loaded on use, like the local commands: verifying a pack needs no server and no database.
    if (argv[0] === "verify") return await (await import("./verify-command")).verify(argv.slice(1));
    const local = LOCAL[name];
    if (local) return await withLocalDatabase(await local(), argv.slice(2));
    console.error(`Unknown command "${argv.join(" ")}".\n\n${HELP}`);
    return 2;
  } catch (error) {
    if (error instanceof CliError) {
      console.error(`shipcheck: ${error.message}`);
      return error.exitCode;
    }
    if (error instanceof AppError) {
      console.error(`shipcheck: ${error.message}`);
      return 2;
    }
    if (error instanceof ZodError) {
      console.error(`shipcheck: invalid input:\n${error.issues.map((i) => `  ${i.path.join(".") || "value"}: ${i.message}`).join("\n")}`);
      return 2;
    }
    const message = (error as Error).message ?? String(error);
    console.error(`shipcheck: ${message}`);
    return 2;
  }
}
