// What the JUnit and CTRF parsers produce, and the rules they share: keys, messages, durations,
// reruns. Pure: no I/O. The output is shaped for `ResultsPayload` (lib/validation/results.ts).
import { AppError, type ErrorCode, type ErrorDetail } from "@/lib/errors";
import { MAX_RESULTS_PER_REQUEST, tooManyResults } from "@/lib/validation/results";

export type ParsedStatus = "passed" | "failed" | "skipped" | "flaky";

export type ParsedResult = {
  key: string;
  status: ParsedStatus;
  durationMs: number | null;
  message: string | null;
  /** Another dimension of the same test, such as the Playwright project (browser); not in the key. */
  variant: string | null;
};

export type ParsedReport = {
  format: "junit" | "ctrf";
  results: ParsedResult[];
  run?: { startedAt?: string };
  /** Things the sender should fix, such as keys that still start with an absolute path. */
  warnings: string[];
};

export type ParseOptions = {
  /**
   * The checkout directory the runner ran in. Absolute file paths in the report that start with
   * it are made relative (`/ci/work/repo/tests/a.test.mjs` -> `tests/a.test.mjs`). Without it (or
   * for paths outside it), the checkout roots of GitHub-hosted and GitLab runners are recognised.
   */
  baseDir?: string;
};

export const MAX_KEY_LENGTH = 1000;
/** 64 KB, counted in UTF-8 bytes, so it also fits the contract's 65,536-character limit. */
export const MAX_MESSAGE_BYTES = 65_536;
/** The contract's ceiling for `durationMs`; longer values are reporter bugs, not facts. */
const MAX_DURATION_MS = 7 * 24 * 3600 * 1000;
const TRUNCATION_MARK = "\n[… truncated by Shipcheck]";

/**
 * A report Shipcheck cannot accept. An AppError, so the API answers 400 (unreadable document)
 * or 422 (readable but not acceptable) with this message, without extra wiring.
 */
export class ReportParseError extends AppError {
  override readonly name = "ReportParseError";
  readonly line?: number;
  readonly column?: number;

  constructor(
    message: string,
    options: { code?: ErrorCode; line?: number; column?: number; details?: ErrorDetail[] } = {},
  ) {
    const { code = "validation_failed", line, column, details } = options;
    super(code, message, details ?? (line === undefined ? undefined : [{ path: "", message, line, column }]));
    this.line = line;
    this.column = column;
  }
}

/** Joins key parts with pytest's separator, dropping empty parts. */
export function joinKey(parts: (string | null | undefined)[]): string {
  return parts.filter((p): p is string => !!p && p.trim() !== "").join("::");
}

/** Keys are shown and matched as one line: control characters (newlines, tabs) become spaces. */
export function cleanKey(raw: string): string {
  const key = raw.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
  if (key === "") throw new ReportParseError("a test in the report has no name");
  if (key.length > MAX_KEY_LENGTH) {
    throw new ReportParseError(`test key is longer than ${MAX_KEY_LENGTH} characters: "${key.slice(0, 80)}…"`);
  }
  return key;
}

/**
 * The checkout directories CI runners use by default, recognised when no baseDir is given:
 * GitHub-hosted (`/home/runner/work/<repo>/<repo>/`, Windows `D:\a\<repo>\<repo>\`, macOS
 * `/Users/runner/work/<repo>/<repo>/`), self-hosted GitHub runners (`…/_work/<repo>/<repo>/`),
 * container actions (`/github/workspace/`) and GitLab (`/builds/<namespace>/<project>/`; a project
 * in a subgroup needs baseDir, which the CLI takes from CI_PROJECT_DIR).
 */
const RUNNER_ROOTS = [
  /^\/(?:home|Users)\/runner\/work\/[^/]+\/[^/]+\//,
  /^[A-Za-z]:\/a\/[^/]+\/[^/]+\//,
  /^(?:[A-Za-z]:)?(?:\/[^/]+)*?\/_work\/[^/]+\/[^/]+\//,
  /^\/github\/workspace\//,
  /^\/builds\/[^/]+\/[^/]+\//,
];

/**
 * Forward slashes, no `./`, and relative to `baseDir` when the path lies under it, else to a
 * runner's standard checkout root. A path that is still absolute is returned as it is.
 */
export function normalisePath(raw: string, baseDir?: string): string {
  let path = raw.trim().replaceAll("\\", "/").replace(/^file:\/\//, "");
  const base = baseDir ? baseDir.trim().replaceAll("\\", "/").replace(/\/+$/, "") + "/" : undefined;
  if (base && path.startsWith(base)) path = path.slice(base.length);
  else if (isAbsolutePath(path)) {
    const root = RUNNER_ROOTS.map((r) => r.exec(path)?.[0]).find((m) => m !== undefined);
    if (root) path = path.slice(root.length);
  }
  return path.replace(/^(\.\/)+/, "");
}

/** `/x`, `C:/x` or `C:\x`. */
export function isAbsolutePath(path: string): boolean {
  return /^(?:\/|[A-Za-z]:[\\/])/.test(path);
}

/** The part of a key before its first `::`. */
function keyFile(key: string): string {
  return key.split("::", 1)[0] ?? key;
}

/**
 * Keys whose file part could not be made relative: kept (they are still results), and said, one
 * warning per file (at most 20), so the sender can pass baseDir.
 */
export function absolutePathWarnings(keys: string[], baseDir?: string): string[] {
  const files = new Map<string, number>();
  for (const key of keys) {
    const file = keyFile(key);
    if (isAbsolutePath(file)) files.set(file, (files.get(file) ?? 0) + 1);
  }
  const warnings = [...files].slice(0, 20).map(
    ([file, count]) =>
      `${count} result${count === 1 ? "" : "s"} keyed by the absolute path ${file}${baseDir ? ` (not under baseDir ${baseDir})` : ""}: pass baseDir (the checkout directory) so keys are relative to the repository and match patterns such as tests/…`,
  );
  if (files.size > 20) warnings.push(`… and ${files.size - 20} more files with absolute paths`);
  return warnings;
}

/** Seconds as JUnit writes them ("0.004", Surefire's "1,234.5") to whole milliseconds. */
export function secondsToMs(raw: string | undefined): number | null {
  if (raw === undefined || raw.trim() === "") return null;
  return msOrNull(Number(raw.replaceAll(",", "")) * 1000);
}

export function msOrNull(ms: number | undefined | null): number | null {
  if (ms === undefined || ms === null || !Number.isFinite(ms) || ms < 0) return null;
  const rounded = Math.round(ms);
  return rounded > MAX_DURATION_MS ? null : rounded;
}

/**
 * A failure as one text: the short message first (what people read), then the details (stack
 * trace, assertion diff). When the details already begin with the message, it is not repeated.
 */
export function combineMessage(message: string | undefined, details: string | undefined): string | null {
  const short = tidy(stripAnsi(message ?? ""));
  const long = tidy(stripAnsi(details ?? ""));
  const text = !long ? short : !short || long.startsWith(short) ? long : `${short}\n\n${long}`;
  return text === "" ? null : truncateMessage(text);
}

/** Terminal colours (Playwright's CTRF messages keep them) are noise on a web page. */
function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, "");
}

/** Drops the blank lines and indentation that pretty-printed XML puts around element text. */
function tidy(text: string): string {
  return text.replace(/^(?:[ \t]*\r?\n)+/, "").trimEnd();
}

/** Cuts a message to 64 KB of UTF-8 on a character boundary, saying that it was cut. */
export function truncateMessage(text: string): string {
  // Each UTF-16 unit is at most 3 UTF-8 bytes: short texts need no encoding to be known safe.
  if (text.length * 3 <= MAX_MESSAGE_BYTES) return text;
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= MAX_MESSAGE_BYTES) return text;
  let cut = MAX_MESSAGE_BYTES - new TextEncoder().encode(TRUNCATION_MARK).length;
  while (cut > 0 && ((bytes[cut] ?? 0) & 0xc0) === 0x80) cut--; // not inside a multi-byte character
  return new TextDecoder().decode(bytes.subarray(0, cut)) + TRUNCATION_MARK;
}

/** An ISO 8601 instant, only when the producer said which time zone it meant. */
export function isoInstant(raw: string | undefined): string | undefined {
  if (!raw || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(raw.trim())) return undefined;
  const time = Date.parse(raw.trim());
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

type Accumulated = ParsedResult & { sawFailure: boolean };

/**
 * Collects results by key and variant. A key seen again in the same variant is a rerun (retries
 * written as repeated test cases, such as gotestsum --rerun-fails or pytest-rerunfailures):
 * the last run that was not skipped decides; passing after a failure is `flaky`; the last
 * message is kept; durations add up to the time spent on the test. The contract allows each key
 * once per request, so collapsing here also keeps such reports acceptable.
 */
export class ResultCollector {
  private readonly byKey = new Map<string, Accumulated>();

  add(result: ParsedResult): void {
    const id = `${result.variant ?? ""}\u0000${result.key}`;
    const seen = this.byKey.get(id);
    if (!seen) {
      if (this.byKey.size >= MAX_RESULTS_PER_REQUEST) {
        throw new ReportParseError(tooManyResults(null), { code: "payload_too_large" });
      }
      this.byKey.set(id, { ...result, sawFailure: isFailure(result.status) });
      return;
    }
    mergeRun(seen, result);
  }

  results(): ParsedResult[] {
    if (this.byKey.size === 0) throw new ReportParseError("the report contains no test cases");
    return [...this.byKey.values()].map(({ key, status, durationMs, message, variant }) => ({ key, status, durationMs, message, variant }));
  }
}

function isFailure(status: ParsedStatus): boolean {
  return status === "failed" || status === "flaky";
}

function mergeRun(seen: Accumulated, next: ParsedResult): void {
  if (next.message !== null) seen.message = next.message;
  if (next.durationMs !== null) seen.durationMs = msOrNull((seen.durationMs ?? 0) + next.durationMs);
  // A skipped rerun says nothing about the outcome of the runs that did happen.
  if (next.status === "skipped") return;
  if (next.status === "failed") seen.status = "failed";
  else seen.status = seen.sawFailure || next.status === "flaky" ? "flaky" : "passed";
  seen.sawFailure ||= isFailure(next.status);
}
