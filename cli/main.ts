// `shipcheck <command>`: local administration against the database, and CI commands against the API.
import { openLocalDatabase } from "@/lib/db/local-database";
import { AppError } from "@/lib/errors";
import { ZodError } from "zod";
import { gate, releaseCreate, templatePush } from "./remote-commands";
import { report } from "./report-command";
import { CliError } from "./output";

const HELP = `Usage: shipcheck <command> [options]

Local administration (uses DATABASE_URL, or the embedded PostgreSQL under .data/):
  user create     --email <email> [--role <role> --project <slug>] [--name <name>] [--password <pw>] [--admin]
  project create  --slug <slug> --name <name> --environments staging,production
  token create    --project <slug> --name <name> [--permissions results:write,...] [--expires-days <n>]

Against the API (SHIPCHECK_URL and SHIPCHECK_TOKEN):
  template push   --project <slug> <file.yml>
  release create  --project <slug> --version <v> --commit <sha> --template <name> [--template-version <n>] [--changed-files <file>]
  report          --project <slug> --release <version> [--environment <env>] [--commit <sha>] [--format junit|ctrf|json]
                  [--run-id <id>] [--run-url <url>] [--started-at <iso>] <file>    post a JUnit XML, CTRF or Shipcheck JSON report
  gate            --project <slug> --release <version> --environment <env>    exit 0 open, 1 closed, 2 error

Offline:
  verify          <evidence-pack.json> --key <public key>    check an exported evidence pack: its signature, audit chain
                  and signed checkpoints against the server's public key (a file, or the PEM or base64 itself; from
                  GET /api/v1/audit/public-key); exit 0 intact, 1 altered, 2 unreadable. Without --key the pack is
                  checked against its own key, which shows it is self-consistent, not that it is the server's
`;

type Command = (args: string[]) => Promise<number>;

/**
 * Commands that work on the database directly. Loaded on use, so CI running only the remote
 * commands needs neither the database layer nor a generated Prisma client.
 */
const LOCAL: Record<string, () => Promise<Command>> = {
  "user create": async () => (await import("./admin-commands")).userCreate,
  "project create": async () => (await import("./admin-commands")).projectCreate,
  "token create": async () => (await import("./admin-commands")).tokenCreate,
};

/** Commands that talk to a Shipcheck server over HTTP. */
const REMOTE: Record<string, Command> = {
  "template push": templatePush,
  "release create": releaseCreate,
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
    if (argv.length === 0 || argv[0] === "help" || argv[0] === "--help") {
      console.log(HELP);
      return argv.length === 0 ? 2 : 0;
    }
    if (argv[0] === "gate") return await gate(argv.slice(1));
    if (argv[0] === "report") return await report(argv.slice(1));
    // Loaded on use, like the local commands: verifying a pack needs no server and no database.
    if (argv[0] === "verify") return await (await import("./verify-command")).verify(argv.slice(1));
    const remote = REMOTE[name];
    if (remote) return await remote(argv.slice(2));
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
