// `shipcheck report`: posts test reports (JUnit XML, CTRF or Shipcheck JSON) to a release and
// says what they fed. One POST per file, each with an Idempotency-Key derived from what is sent,
// so a retried CI step (or a retried request after a timeout) is answered with the first
// response and never counted twice.
import { createHash } from "node:crypto";
import { resolve as resolvePath } from "node:path";
import { apiClientFromEnv, type ApiClient } from "../api-client";
import { commitOf, optional, required, type Command } from "../args";
import { CliError, usageError } from "../errors";
import { printBlocker, printJson } from "../output";
import { RETRYABLE_STATUSES, retryPolicyFromEnv, withRetries, type RetryPolicy } from "../retry";
import type { GateDecision, IngestReport } from "../types";
import { readInput } from "./read-input";
import { reportFiles } from "./report-files";

export type Format = "junit" | "ctrf" | "json";
const FORMATS: readonly Format[] = ["junit", "ctrf", "json"];

type Env = Record<string, string | undefined>;
export type RunFacts = { environment?: string; commit?: string; runId?: string; runUrl?: string; startedAt?: string };

/** Retries what retry.ts retries, and 409: the same key still being processed. */
const RETRYABLE = new Set([...RETRYABLE_STATUSES, 409]);

const enc = encodeURIComponent;

export const report: Command = {
  usage:
    "shipcheck report --project <slug> --release <version> [--environment <env>] [--commit <sha>] [--format junit|ctrf|json] [--run-id <id>] [--run-url <url>] [--started-at <iso>] [--base-dir <dir>] <file or glob>…",
  help: `
Posts test reports to a release: each file, or each file a glob matches ('reports/TEST-*.xml',
quoted so the shell leaves it alone), is one request. A glob that matches nothing is an error.
Every file is tried; the command fails when any failed. The gate is printed once, after the last.
Among the files a glob matched, a JUnit report with no test case is skipped (Surefire writes one
for the outer class of @Nested classes); a file named on its own is always sent.

Options:
  --project <slug>      the project
  --release <version>   the release the results are for
  --environment <env>   the environment they count for (default: every environment)
  --commit <sha>        the commit tested; default GITHUB_SHA or CI_COMMIT_SHA, else the release's
  --format <format>     junit, ctrf or json; default from each file (XML is JUnit, JSON with
                        results.tool is CTRF, other JSON is Shipcheck JSON)
  --run-id, --run-url   the CI run; default the GitHub Actions run or GitLab CI job
  --started-at <iso>    when the run started
  --base-dir <dir>      the checkout, so absolute paths in reports become repository keys;
                        default GITHUB_WORKSPACE, CI_PROJECT_DIR, else the current directory
  --json                print {"files":[{file, format, replayed, result}], "skipped":[…], "errors":[…]}
Exit: 0 every file recorded (whatever the gate says), 2 on any error.`,
  options: {
    project: { type: "string" },
    release: { type: "string" },
    environment: { type: "string" },
    commit: { type: "string" },
    format: { type: "string" },
    "run-id": { type: "string" },
    "run-url": { type: "string" },
    "started-at": { type: "string" },
    "base-dir": { type: "string" },
  },
  positionals: true,
  async run(parsed, env) {
    const { project, release } = required(parsed, ["project", "release"], this);
    if (parsed.positionals.length === 0) throw usageError("a report file (or glob) is required", this.usage);
    const format = optional(parsed, "format");
    if (format !== undefined && !FORMATS.includes(format as Format)) throw usageError(`--format must be one of ${FORMATS.join(", ")}`, this.usage);
    const files = await reportFiles(parsed.positionals);
    const facts: RunFacts = {
      ...defined({ environment: optional(parsed, "environment"), commit: commitOf(optional(parsed, "commit"), env) }),
      ...ciRunFacts(env),
      ...defined({ runId: optional(parsed, "run-id"), runUrl: optional(parsed, "run-url"), startedAt: optional(parsed, "started-at") }),
    };
    const baseDir = checkoutDir(env, optional(parsed, "base-dir"));
    const client = apiClientFromEnv(env);
    const policy = retryPolicyFromEnv(env, RETRYABLE);

    const posted: Posted[] = [];
    const skipped: string[] = [];
    const errors: { file: string; message: string }[] = [];
    for (const { file, fromGlob } of files) {
      try {
        const result = await postFile(client, policy, { file, fromGlob, format: format as Format | undefined, project, release, facts, baseDir });
        if (result === null) {
          skipped.push(file);
          if (!parsed.json) console.log(`Skipped ${file}: a JUnit report with no test case`);
          continue;
        }
        posted.push(result);
        if (!parsed.json) printReport(result, { project, release, several: files.length > 1 });
      } catch (error) {
        if (!(error instanceof CliError)) throw error;
        errors.push({ file, message: error.message });
        if (!parsed.json) console.error(`shipcheck: ${file}: ${error.message}`);
      }
    }
    const last = posted.at(-1);
    if (parsed.json) printJson({ files: posted.map(({ file, format, replayed, body }) => ({ file, format, replayed, result: body })), skipped, errors });
    else {
      if (last) for (const [environment, decision] of Object.entries(last.body.gate)) printGate(environment, decision);
      const notes = [skipped.length ? `${skipped.length} skipped (no test case)` : "", errors.length ? `${errors.length} failed (see above)` : ""].filter(Boolean);
      if (files.length > 1) console.log(`${posted.length} of ${files.length} reports recorded${notes.length ? `; ${notes.join(", ")}` : ""}`);
    }
    return errors.length > 0 ? 2 : 0;
  },
};

type Posted = { file: string; format: Format; replayed: boolean; body: IngestReport };

async function postFile(
  client: ApiClient,
  policy: RetryPolicy,
  target: { file: string; fromGlob: boolean; format?: Format; project: string; release: string; facts: RunFacts; baseDir: string },
): Promise<Posted | null> {
  const bytes = await readInput(target.file, "the report ");
  const text = bytes.toString("utf8").replace(/^\uFEFF/, "");
  const format = target.format ?? detectFormat(text, target.file);
  // Surefire writes an empty report for the outer class of @Nested classes: among the files a glob
  // matched, that is no error. A file named on its own is sent, and the server says what is wrong.
  if (target.fromGlob && format === "junit" && !/<testcase[\s/>]/.test(text)) return null;
  const request = buildRequest(format, text, target.facts, target.file, target.baseDir);
  const path = `/api/v1/projects/${enc(target.project)}/releases/${enc(target.release)}/results${request.query}`;
  const key = idempotencyKey(bytes, target.project, target.release, format, target.facts, target.baseDir);
  // Every attempt sends the same Idempotency-Key: a retry after a lost answer never counts twice.
  const { body, headers } = await withRetries(() => client.request<IngestReport>("POST", path, request.body, { "idempotency-key": key }), policy, {
    note: "same Idempotency-Key",
  });
  return { file: target.file, format, replayed: headers.get("idempotent-replayed") === "true", body };
}

/** XML is JUnit; JSON whose `results` has a `tool` is CTRF; any other JSON is Shipcheck JSON. */
export function detectFormat(text: string, file = "the report"): Format {
  const start = text.trimStart();
  if (start === "") throw new CliError(`${file} is empty`);
  if (start.startsWith("<")) return "junit";
  let value: unknown;
  try {
    value = JSON.parse(start);
  } catch {
    throw new CliError(`${file} is neither XML (JUnit) nor JSON (CTRF, Shipcheck JSON); say which with --format`);
  }
  const results = isRecord(value) ? value.results : undefined;
  return isRecord(results) && "tool" in results ? "ctrf" : "json";
}

/**
 * The checkout directory, so absolute paths in reports become relative to the repository:
 * --base-dir, else GITHUB_WORKSPACE (GitHub Actions), CI_PROJECT_DIR (GitLab CI), else the
 * current directory (run the command from the repository's root).
 */
export function checkoutDir(env: Env, given?: string): string {
  const dir = given || env.GITHUB_WORKSPACE || env.CI_PROJECT_DIR || process.cwd();
  return resolvePath(dir);
}

function buildRequest(format: Format, text: string, facts: RunFacts, file: string, baseDir: string): { body: { type: string; text: string }; query: string } {
  if (format !== "json") {
    const params = new URLSearchParams(defined({ format: format === "ctrf" ? "ctrf" : undefined, ...facts, baseDir }));
    const query = params.size > 0 ? `?${params}` : "";
    return { body: { type: format === "junit" ? "application/xml" : "application/json", text }, query };
  }
  // Shipcheck JSON says environment, commit and run in its body; the command's values fill gaps.
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (!isRecord(document)) throw new CliError(`${file} is not a JSON object: Shipcheck JSON is {"results":[…]}`);
  const merged: Record<string, unknown> = { ...document };
  for (const field of ["environment", "commit"] as const) {
    const given = facts[field];
    if (given === undefined) continue;
    if (merged[field] === undefined) merged[field] = given;
    else if (merged[field] !== given) console.error(`shipcheck: ${file} says ${field} "${String(merged[field])}"; using it rather than --${field} "${given}"`);
  }
  const run = defined({ id: facts.runId, url: facts.runUrl, startedAt: facts.startedAt });
  if (Object.keys(run).length > 0) merged.run = { ...run, ...(isRecord(merged.run) ? merged.run : {}) };
  return { body: { type: "application/json", text: JSON.stringify(merged) }, query: `?${new URLSearchParams({ baseDir })}` };
}

/** The run's id and link when running in GitHub Actions or GitLab CI and none were given. */
export function ciRunFacts(env: Env): Pick<RunFacts, "runId" | "runUrl"> {
  if (env.GITHUB_ACTIONS === "true" && env.GITHUB_RUN_ID) {
    const server = env.GITHUB_SERVER_URL ?? "https://github.com";
    return defined({ runId: env.GITHUB_RUN_ID, runUrl: env.GITHUB_REPOSITORY ? `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}` : undefined });
  }
  if (env.GITLAB_CI === "true" && env.CI_JOB_ID) return defined({ runId: env.CI_JOB_ID, runUrl: env.CI_JOB_URL });
  return {};
}

/**
 * The same report for the same release and run gets the same key: the file's SHA-256 plus
 * everything else the request says. A changed file, environment, commit or run is a new key.
 */
export function idempotencyKey(file: Buffer, project: string, release: string, format: Format, facts: RunFacts, baseDir?: string): string {
  const fileHash = createHash("sha256").update(file).digest("hex");
  const context = [project, release, format, facts.environment, facts.commit, facts.runId, facts.runUrl, facts.startedAt, baseDir].map((v) => v ?? "");
  return `shipcheck-report-${createHash("sha256").update([fileHash, ...context].join("\n")).digest("hex")}`;
}

function printReport(posted: Posted, context: { project: string; release: string; several: boolean }): void {
  const body = posted.body;
  const environments = Object.keys(body.gate);
  const scope = environments.length === 1 ? environments[0] : "every environment";
  const from = context.several ? ` from ${posted.file}` : "";
  console.log(`Reported ${body.accepted} result${body.accepted === 1 ? "" : "s"} (${posted.format})${from} to ${context.project} ${context.release}, ${scope}, commit ${body.commit.slice(0, 12)}`);
  if (posted.replayed) console.log("Already reported: this is the first response to this report again; nothing was counted twice.");
  if (!body.countsForRelease) console.log(`Note: commit ${body.commit.slice(0, 12)} is not the release's commit; the results are kept but don't count for its gate.`);
  if (body.matched.length === 0) console.log("Matched: no checklist item");
  else {
    console.log("Matched:");
    for (const m of body.matched) console.log(`  ${m.item}: ${m.results} result${m.results === 1 ? "" : "s"}`);
  }
  console.log(`Unmatched: ${body.unmatchedCount} result${body.unmatchedCount === 1 ? "" : "s"} match no item's pattern`);
  const shown = body.unmatched.slice(0, 10);
  for (const key of shown) console.log(`  ? ${key}`);
  if (body.unmatchedCount > shown.length) console.log(`  … and ${body.unmatchedCount - shown.length} more`);
  for (const warning of body.warnings ?? []) console.log(`Warning: ${warning}`);
}

function printGate(environment: string, decision: GateDecision): void {
  const state = decision.overridden ? "OVERRIDDEN (open by an administrator's decision)" : decision.open ? "open" : `closed (${decision.blocking.length} blocking)`;
  console.log(`Gate ${environment}: ${state}`);
  if (decision.open) return;
  for (const b of decision.blocking) printBlocker(b);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function defined<T extends Record<string, string | undefined>>(values: T): { [K in keyof T]?: string } {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== "")) as { [K in keyof T]?: string };
}
