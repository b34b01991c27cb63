// CTRF (Common Test Report Format, https://ctrf.io) JSON -> results. Pure: a parsed JSON value in.
//
// Keys follow the JUnit rules (see ./junit-keys.ts): `filePath :: suites :: name`, e.g.
// `tests/auth/login.test.js::Authentication::Login::user can login`, the same key the JUnit
// report of the same run gives. `suite` may be an array (CTRF 1.0) or a string joined with " > ".
// What reporters write, and how it is read:
// - playwright-ctrf-json-reporter: suite `chromium > smoke/checkout.spec.ts > checkout > cart`,
//   name `adds`. A suite entry that is the test file is dropped (filePath says it); the entries
//   before it are the project, which becomes the result's variant, not part of the key.
// - jest-ctrf-json-reporter: suite `checkout.test.js > checkout > cart`, name `checkout cart adds`
//   (the full title): the describes at the start of the name are dropped.
// - @d2t/vitest-ctrf-json-reporter: name and suite both `checkout > cart > adds`: the name is
//   split on " > " and a suite that repeats it is dropped.
// - mocha-ctrf-json-reporter: no suite, name = the full title (`checkout cart adds`), kept whole.
// Absolute file paths are made relative to ParseOptions.baseDir, else to a CI runner's standard
// checkout root; one that stays absolute is kept and reported in `warnings`.
//
// Status: passed with `flaky: true`, with retries > 0, or with a failed earlier attempt in
// `retryAttempts` -> flaky; pending and other -> skipped. A failed test stays failed even when
// marked flaky: the last attempt failed, and the gate must see that.
// Message: `message`, then `trace` (unless the trace already begins with it), cut to 64 KB.
// run.startedAt: summary.start (epoch milliseconds; values too small to be milliseconds are
// read as seconds, which some reporters write).
import { z } from "zod";
import {
  absolutePathWarnings,
  cleanKey,
  combineMessage,
  joinKey,
  msOrNull,
  normalisePath,
  ReportParseError,
  ResultCollector,
  type ParsedReport,
  type ParsedResult,
  type ParseOptions,
} from "./report";

export { ReportParseError } from "./report";
export type { ParsedReport, ParsedResult, ParseOptions } from "./report";

const ctrfStatus = z.enum(["passed", "failed", "skipped", "pending", "other"]);

// Only the fields Shipcheck reads are checked; CTRF allows many more and they are ignored.
const ctrfTest = z.object({
  name: z.string().min(1, "a test needs a name"),
  status: ctrfStatus,
  duration: z.number().min(0),
  message: z.string().nullish(),
  trace: z.string().nullish(),
  filePath: z.string().nullish(),
  suite: z.union([z.string(), z.array(z.string())]).nullish(),
  retries: z.number().int().min(0).nullish(),
  flaky: z.boolean().nullish(),
  rawStatus: z.string().nullish(),
  retryAttempts: z.array(z.object({ status: ctrfStatus })).nullish(),
});

/** The part of a CTRF report Shipcheck reads; other fields are accepted and ignored. */
export const ctrfReportSchema = z.object({
  results: z.object({
    tool: z.object({ name: z.string() }),
    summary: z.object({ start: z.number(), stop: z.number() }),
    tests: z.array(ctrfTest),
  }),
});

type CtrfTest = z.infer<typeof ctrfTest>;

const SUITE_SEPARATOR = " > ";
/** Before 1973 in milliseconds, after 5000 AD in seconds: a smaller number is seconds. */
const SECONDS_CUTOFF = 1e11;

export function parseCtrf(json: unknown, options: ParseOptions = {}): ParsedReport {
  const report = validate(json);
  const collector = new ResultCollector();
  for (const test of report.results.tests) collector.add(toResult(test, options.baseDir));
  const results = collector.results();
  const startedAt = epochToIso(report.results.summary.start);
  return {
    format: "ctrf",
    results,
    ...(startedAt ? { run: { startedAt } } : {}),
    warnings: absolutePathWarnings(results.map((r) => r.key), options.baseDir),
  };
}

function validate(json: unknown): z.infer<typeof ctrfReportSchema> {
  const parsed = ctrfReportSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.slice(0, 20).map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message }));
  const first = details[0];
  throw new ReportParseError(`not a CTRF report: ${first ? `${first.path || "(root)"}: ${first.message}` : "invalid"}`, { details });
}

function toResult(test: CtrfTest, baseDir?: string): ParsedResult {
  const { key, variant } = identityOf(test, baseDir);
  return {
    key: cleanKey(key),
    status: statusOf(test),
    durationMs: msOrNull(test.duration),
    message: combineMessage(test.message ?? undefined, test.trace ?? undefined),
    variant,
  };
}

function identityOf(test: CtrfTest, baseDir?: string): { key: string; variant: string | null } {
  const file = test.filePath ? normalisePath(test.filePath, baseDir) : undefined;
  let suites = typeof test.suite === "string" ? test.suite.split(SUITE_SEPARATOR) : [...(test.suite ?? [])];
  // Entries before the test file's own entry are the project (Playwright's `chromium > a.spec.ts > …`).
  const fileAt = file ? suites.findIndex((s) => isSameFile(s, file)) : -1;
  const variant = fileAt > 0 ? suites.slice(0, fileAt).join(SUITE_SEPARATOR) : null;
  if (fileAt >= 0) suites = suites.slice(fileAt + 1);
  let name = test.name.split(SUITE_SEPARATOR);
  // vitest: the suite is the whole name again.
  if (suites.length >= name.length && name.every((part, i) => suites[suites.length - name.length + i] === part)) {
    suites = suites.slice(0, suites.length - name.length);
  }
  // jest: the name is the full title, the describes joined with spaces before the test's title.
  const describes = suites.join(" ");
  if (name.length === 1 && suites.length > 0 && name[0]!.startsWith(`${describes} `)) name = [name[0]!.slice(describes.length + 1)];
  return { key: joinKey([file, ...suites, ...name]), variant };
}

/** "login.spec.ts" or "e2e/login.spec.ts" names the file "…/e2e/login.spec.ts". */
function isSameFile(suite: string, file: string): boolean {
  const path = normalisePath(suite);
  return path === file || file.endsWith(`/${path}`);
}

function statusOf(test: CtrfTest): ParsedResult["status"] {
  switch (test.status) {
    case "passed":
      return retriedAfterFailure(test) ? "flaky" : "passed";
    case "failed":
      return "failed";
    default:
      return "skipped";
  }
}

function retriedAfterFailure(test: CtrfTest): boolean {
  return test.flaky === true || (test.retries ?? 0) > 0 || (test.retryAttempts ?? []).some((a) => a.status === "failed");
}

function epochToIso(value: number): string | undefined {
  if (!Number.isFinite(value) || value <= 0) return undefined;
  const date = new Date(value < SECONDS_CUTOFF ? value * 1000 : value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
