// Which format a results request carries (Content-Type, or ?format= to override), parsed into
// the Shipcheck JSON contract so every format takes the same path from here on.
import { AppError } from "@/lib/errors";
import { countResultsOffThread, formatBudget, MarkdownBudgetError, readJUnitOffThread } from "@/lib/templates/markdown-pool";
import { parseCtrf } from "./ctrf";
import { fromReport, type NegotiatedResults } from "./envelope";
import { refusal } from "./junit-job";
import { parseJUnit } from "./junit";
import { absolutePathWarnings, isAbsolutePath, normalisePath, type ParseOptions } from "./report";
import { MAX_RESULTS_PER_REQUEST, resultsPayloadSchema, tooManyResults, type ResultsPayload } from "@/lib/validation/results";

export type { NegotiatedResults };

/**
 * `?baseDir=`: the checkout directory the tests ran in, so absolute paths in the report become
 * relative to the repository. An absolute path (POSIX or Windows), at most 1000 characters.
 */
export function baseDirOf(request: Request): string | undefined {
  const value = new URL(request.url).searchParams.get("baseDir");
  if (value === null || value === "") return undefined;
  if (value.length > 1000 || /[\u0000-\u001f\u007f]/.test(value) || !isAbsolutePath(value.replaceAll("\\", "/"))) {
    throw new AppError("validation_failed", "baseDir must be the absolute path of the checkout directory (such as /home/runner/work/app/app), at most 1000 characters", [
      { path: "baseDir", message: "not an absolute path" },
    ]);
  }
  return value;
}

export type ResultsFormat = "json" | "junit" | "ctrf";

export function formatOf(request: Request): ResultsFormat {
  const explicit = new URL(request.url).searchParams.get("format");
  if (explicit !== null) {
    if (explicit === "json" || explicit === "junit" || explicit === "ctrf") return explicit;
    throw new AppError("bad_request", `unknown format "${explicit}": use json, junit or ctrf`);
  }
  const type = (request.headers.get("content-type") ?? "application/json").toLowerCase();
  if (/^(application|text)\/([\w.+-]+\+)?xml\b/.test(type)) return "junit";
  if (/^application\/([\w.+-]+\+)?json\b/.test(type)) return "json";
  throw new AppError("unsupported_media_type", `send results as application/json (Shipcheck JSON or CTRF with ?format=ctrf) or application/xml (JUnit), not "${type}"`);
}

function parseJsonText(text: string): unknown {
  if (text.trim() === "") throw new AppError("bad_request", "the request body is empty; send a JSON document");
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AppError("bad_request", `the request body is not valid JSON: ${(error as Error).message}`);
  }
}

/** Past this many characters a JSON report is first counted in a worker (screenLargeReport). */
export const SCREEN_ABOVE_CHARS = 2 * 1024 * 1024;

/**
 * Past this many characters a JUnit report is read in a worker: XML takes the parser about 0.5 ms
 * a KB here, so what stays on the event loop holds it about 30 ms at most (at 256 KB it was 130 ms).
 */
export const JUNIT_OFF_THREAD_CHARS = 64 * 1024;

/** How long a worker may take over one report: a JUnit report of 20,000 tests takes about a second here. */
const REPORT_BUDGET_MS = 20_000;

/** The worker pool's failures as answers: a report it could not finish is too large; a busy pool, a retry. */
function offThreadFailure(error: unknown): never {
  if (error instanceof MarkdownBudgetError) {
    throw new AppError("payload_too_large", `the report could not be read within ${formatBudget(error.budgetMs)} or the memory a report may take: split it into smaller reports`);
  }
  // Busy or not started: nothing is wrong with the report, so it may be sent again.
  throw new AppError("service_unavailable", `the report could not be read just now (${(error as Error).message}); retry shortly`, undefined, { retryAfter: 5 });
}

/**
 * A JSON report this large is parsed once in a worker first, so that one that must be refused (too
 * many results: 413; not JSON: 400) is refused without the event loop, which every other request
 * shares, spending 100 ms and more on parsing it. One within the limit is then read as usual.
 */
export async function screenLargeReport(request: Request, text: string): Promise<void> {
  if (text.length <= SCREEN_ABOVE_CHARS || formatOf(request) === "junit") return;
  const counted = await countResultsOffThread(text, REPORT_BUDGET_MS).catch(offThreadFailure);
  if ("invalid" in counted) throw new AppError("bad_request", `the request body is not valid JSON: ${counted.invalid}`);
  if (counted.count !== null && counted.count > MAX_RESULTS_PER_REQUEST) throw new AppError("payload_too_large", tooManyResults(counted.count));
}

/**
 * resultsPayloadFrom, with what would hold up other requests done in a worker: a large JSON report
 * screened (screenLargeReport), a large JUnit report read there altogether.
 */
export async function negotiateResults(request: Request, text: string): Promise<NegotiatedResults> {
  await screenLargeReport(request, text);
  if (formatOf(request) !== "junit" || text.length <= JUNIT_OFF_THREAD_CHARS) return resultsPayloadFrom(request, text);
  // Parsed and validated there: the event loop gets the payload as it would have made it.
  const outcome = await readJUnitOffThread(text, { baseDir: baseDirOf(request) }, request.url, REPORT_BUDGET_MS).catch(offThreadFailure);
  if ("refused" in outcome) throw refusal(outcome);
  return outcome.negotiated;
}

export function resultsPayloadFrom(request: Request, text: string): NegotiatedResults {
  const format = formatOf(request);
  const options: ParseOptions = { baseDir: baseDirOf(request) };
  if (format === "json") {
    const body = parseJsonText(text);
    // CTRF sent as plain application/json is recognised by its shape.
    if (isCtrf(body)) return fromReport(request.url, parseCtrf(body, options));
    // Too many results is a size limit (413), checked before validating 100,000 of them one by one.
    const count = (body as { results?: unknown } | null)?.results;
    if (Array.isArray(count) && count.length > MAX_RESULTS_PER_REQUEST) throw new AppError("payload_too_large", tooManyResults(count.length));
    const payload = relativeKeys(resultsPayloadSchema.parse(body), options.baseDir);
    return { payload, source: "json", warnings: absolutePathWarnings(payload.results.map((r) => r.key), options.baseDir) };
  }
  if (text.trim() === "") throw new AppError("bad_request", `the request body is empty; send a ${format === "junit" ? "JUnit XML" : "CTRF"} report`);
  return fromReport(request.url, format === "junit" ? parseJUnit(text, options) : parseCtrf(parseJsonText(text), options));
}

/** Shipcheck JSON keys that start with an absolute file path get the same treatment as reports'. */
function relativeKeys(payload: ResultsPayload, baseDir: string | undefined): ResultsPayload {
  const results = payload.results.map((result) => {
    const [file, ...rest] = result.key.split("::");
    if (!file || !isAbsolutePath(file.replaceAll("\\", "/"))) return result;
    const relative = normalisePath(file, baseDir);
    return relative === "" ? result : { ...result, key: [relative, ...rest].join("::") };
  });
  return { ...payload, results };
}

function isCtrf(body: unknown): boolean {
  const results = (body as { results?: unknown } | null)?.results;
  return typeof results === "object" && results !== null && !Array.isArray(results) && "tool" in results;
}
