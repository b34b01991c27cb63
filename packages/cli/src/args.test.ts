// Argument parsing: --help and --json on every command, required options, the commit from CI, durations.
import { afterEach, describe, expect, it, vi } from "vitest";
import { commitOf, parseCommand, parseDuration, required, type Command } from "./args";
import { findCommand } from "./main";

const command: Command = {
  usage: "shipcheck thing --project <slug>",
  help: "Does a thing.",
  options: { project: { type: "string" }, wait: { type: "boolean" } },
  positionals: true,
  run: async () => 0,
};

afterEach(() => vi.restoreAllMocks());

describe("parseCommand", () => {
  it("takes --json on every command and keeps it apart from the command's own options", () => {
    expect(parseCommand(command, ["--project", "p", "--json", "a.xml", "b.xml"])).toEqual({ values: { project: "p" }, positionals: ["a.xml", "b.xml"], json: true });
    expect(parseCommand(command, ["--project=p"])?.json).toBe(false);
  });

  it("prints the command's usage and help for --help or -h, and runs nothing", () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    expect(parseCommand(command, ["--help"])).toBeNull();
    expect(parseCommand(command, ["-h", "--project", "p"])).toBeNull();
    expect(log).toHaveBeenCalledWith("Usage: shipcheck thing --project <slug>\n\nDoes a thing.\n");
  });

  it("refuses an unknown option with the usage, exit 2", () => {
    expect(() => parseCommand(command, ["--projct", "p"])).toThrow(expect.objectContaining({ exitCode: 2, message: expect.stringMatching(/Unknown option '--projct'[\s\S]*Usage: shipcheck thing/) }));
  });

  it("names every missing required option", () => {
    const parsed = parseCommand(command, [])!;
    expect(() => required(parsed, ["project"], command)).toThrow(/--project is required/);
    expect(() => required(parsed, ["project", "release", "environment"], command)).toThrow(/--project, --release and --environment are required/);
    expect(required(parseCommand(command, ["--project", "p"])!, ["project"], command)).toEqual({ project: "p" });
  });
});

describe("what CI fills in", () => {
  it("takes --commit, else GITHUB_SHA, else CI_COMMIT_SHA", () => {
    expect(commitOf("abc", { GITHUB_SHA: "gh", CI_COMMIT_SHA: "gl" })).toBe("abc");
    expect(commitOf(undefined, { GITHUB_SHA: "gh", CI_COMMIT_SHA: "gl" })).toBe("gh");
    expect(commitOf(undefined, { CI_COMMIT_SHA: "gl" })).toBe("gl");
    expect(commitOf(undefined, {})).toBeUndefined();
  });
});

describe("parseDuration", () => {
  it("reads 30m, 90s, 1h30m and bare seconds", () => {
    expect(parseDuration("30m", "--timeout")).toBe(1800);
    expect(parseDuration("90s", "--timeout")).toBe(90);
    expect(parseDuration("1h30m", "--timeout")).toBe(5400);
    expect(parseDuration("45", "--timeout")).toBe(45);
    expect(parseDuration("0.5s", "--interval")).toBe(0.5);
  });

  it("refuses anything else, naming the option", () => {
    for (const bad of ["", "soon", "30 minutes", "1d", "m30", "30m!"]) expect(() => parseDuration(bad, "--timeout")).toThrow(/--timeout must be a duration/);
  });
});

describe("findCommand", () => {
  it("finds one- and two-word commands and leaves the rest as arguments", () => {
    expect(findCommand(["gate", "--project", "p"])).toMatchObject({ name: "gate", args: ["--project", "p"] });
    expect(findCommand(["release", "create", "--version", "v1"])).toMatchObject({ name: "release create", args: ["--version", "v1"] });
    expect(findCommand(["release"])).toBeNull();
    expect(findCommand(["deploy"])).toBeNull();
  });
});
