// `shipcheck report`: posts a test report (JUnit XML, CTRF or Shipcheck JSON) to a release and
// says what it fed. The Idempotency-Key is derived from what is sent, so a retried CI step (or a
// retried request after a timeout) is answered with the first response and never counted twice.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { resolve as resolvePath } from "node:path";
import { parseArgs } from "node:util";
import type { GateDecision } from "@/lib/gate";
import type { IngestReport } from "@/lib/server/record-results";
import { apiClientFromEnv } from "./api-client";
import { CliError, printBlocker, usageError } from "./output";
import { RETRYABLE_STATUSES, retryPolicyFromEnv, withRetries } from "./retry";

export const REPORT_USAGE =
  "shipcheck report --project <slug> --release <version> [--environment <env>] [--commit <sha>] [--format junit|ctrf|json] [--run-id <id>] [--run-url <url>] [--started-at <iso>] [--base-dir <dir>] <file>";

type Format = "junit" | "ctrf" | "json";
const FORMATS: readonly Format[] = ["junit", "ctrf", "json"];

type Env = Record<string, string | undefined>;
type RunFacts = { environment?: string; commit?: string; runId?: string; runUrl?: string; startedAt?: string };

/** Retries what cli/retry.ts retries, and 409: the same key still being processed. */
const RETRYABLE = new Set([...RETRYABLE_STATUSES, 409]);

const enc = encodeURIComponent;

export async function report(args: string[]): Promise<number> {
  const env = process.env;
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
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
  });
  const file = positionals[0];
  if (!values.project || !values.release || !file) throw usageError("--project, --release and a report file are required", REPORT_USAGE);
  if (positionals.length > 1) throw usageError(`one report file per command (got ${positionals.length})`, REPORT_USAGE);
  if (values.format !== undefined && !FORMATS.includes(values.format as Format)) throw usageError(`--format must be one of ${FORMATS.join(", ")}`, REPORT_USAGE);

  const bytes = await readReport(file);
  const text = bytes.toString("utf8").replace(/^\uFEFF/, "");
  const format = (values.format as Format | undefined) ?? detectFormat(text, file);
  const facts: RunFacts = {
    environment: values.environment,
    commit: values.commit,
    ...ciRunFacts(env),
    ...defined({ runId: values["run-id"], runUrl: values["run-url"], startedAt: values["started-at"] }),
  };
  const baseDir = checkoutDir(env, values["base-dir"]);
  const request = buildRequest(format, text, facts, file, baseDir);
  const path = `/api/v1/projects/${enc(values.project)}/releases/${enc(values.release)}/results${request.query}`;
  const key = idempotencyKey(bytes, values.project, values.release, format, facts, baseDir);

  const client = apiClientFromEnv(env);
  // Every attempt sends the same Idempotency-Key: a retry after a lost answer never counts twice.
  const { body, headers } = await withRetries(() => client.request<IngestReport>("POST", path, request.body, { "idempotency-key": key }), retryPolicyFromEnv(env, RETRYABLE), {
    note: "same Idempotency-Key",
  });
  printReport(body, { format, project: values.project, release: values.release, replayed: headers.get("idempotent-replayed") === "true" });
  return 0;
}

async function readReport(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`cannot read the report ${file}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (code ?? (error as Error).message)}`);
  }
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

function printReport(body: IngestReport, context: { format: Format; project: string; release: string; replayed: boolean }): void {
  const environments = Object.keys(body.gate);
  const scope = environments.length === 1 ? environments[0] : "every environment";
  console.log(`Reported ${body.accepted} result${body.accepted === 1 ? "" : "s"} (${context.format}) to ${context.project} ${context.release}, ${scope}, commit ${body.commit.slice(0, 12)}`);
  if (context.replayed) console.log("Already reported: this is the first response to this report again; nothing was counted twice.");
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
  for (const [environment, decision] of Object.entries(body.gate)) printGate(environment, decision);
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
