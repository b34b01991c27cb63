// Options shared by every command (--help, --json) and the values CI fills in by itself.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { CliError, usageError } from "./errors";

type Options = NonNullable<ParseArgsConfig["options"]>;
type Env = Record<string, string | undefined>;

export type Command = {
  /** One line: the synopsis shown in `shipcheck --help` and on usage errors. */
  usage: string;
  /** The rest of `shipcheck <command> --help`: what it does, its options, its exit codes. */
  help: string;
  options: Options;
  positionals?: boolean;
  run(parsed: Parsed, env: Env): Promise<number>;
};

export type Parsed = { values: Record<string, string | boolean | undefined>; positionals: string[]; json: boolean };

const COMMON: Options = { help: { type: "boolean", short: "h" }, json: { type: "boolean" } };

/** Parses a command's arguments; null when --help was asked for (and printed). */
export function parseCommand(command: Command, args: string[]): Parsed | null {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: command.positionals ?? false, strict: true, options: { ...command.options, ...COMMON } });
  } catch (error) {
    throw usageError((error as Error).message, command.usage);
  }
  if (parsed.values.help) {
    console.log(`Usage: ${command.usage}\n\n${command.help.trim()}\n`);
    return null;
  }
  const values = { ...(parsed.values as Record<string, string | boolean | undefined>) };
  const json = values.json === true;
  delete values.help;
  delete values.json;
  return { values, positionals: parsed.positionals, json };
}

export function required<K extends string>(parsed: Parsed, names: K[], command: Command): Record<K, string> {
  const missing = names.filter((n) => typeof parsed.values[n] !== "string" || parsed.values[n] === "");
  if (missing.length > 0) {
    const list = missing.map((n) => `--${n}`);
    const said = list.length === 1 ? `${list[0]} is` : `${list.slice(0, -1).join(", ")} and ${list.at(-1)} are`;
    throw usageError(`${said} required`, command.usage);
  }
  return Object.fromEntries(names.map((n) => [n, parsed.values[n] as string])) as Record<K, string>;
}

export const optional = (parsed: Parsed, name: string): string | undefined => {
  const value = parsed.values[name];
  return typeof value === "string" && value !== "" ? value : undefined;
};

/** --commit, else the commit the CI job runs on: GitHub Actions' GITHUB_SHA, GitLab's CI_COMMIT_SHA. */
export function commitOf(given: string | undefined, env: Env): string | undefined {
  return given || env.GITHUB_SHA || env.CI_COMMIT_SHA || undefined;
}

/** "30m", "90s", "1h30m", "45" (seconds) as seconds. */
export function parseDuration(text: string, option: string): number {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(h|m|s)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== trimmed) {
    throw new CliError(`${option} must be a duration such as 30m, 90s or 1h30m, got "${text}"`);
  }
  const unit = { h: 3600, m: 60, s: 1 } as const;
  return parts.reduce((sum, p) => sum + Number(p[1]) * unit[p[2] as keyof typeof unit], 0);
}
