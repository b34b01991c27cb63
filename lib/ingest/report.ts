// What the JUnit and CTRF parsers produce, and the rules they share: keys, messages, durations,
// reruns. Pure: no I/O. The output is shaped for `ResultsPayload` (lib/validation/results.ts).
import { AppError, type ErrorCode, type ErrorDetail } from "@/lib/errors";
import { MAX_RESULTS_PER_REQUEST } from "@/lib/validation/results";

export type ParsedStatus = "passed" | "failed" | "skipped" | "flaky";

export type ParsedResult = {
  key: string;
  status: ParsedStatus;
  durationMs: number | null;
  message: string | null;
};

export type ParsedReport = {
  format: "junit" | "ctrf";
  results: ParsedResult[];
  run?: { startedAt?: string };
};

export type ParseOptions = {
  /**
   * The checkout directory the runner ran in. Absolute file paths in the report that start with
   * it are made relative (`/ci/work/repo/tests/a.test.mjs` -> `tests/a.test.mjs`).
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

/** Forward slashes, no `./`, and relative to `baseDir` when the path lies under it. */
export function normalisePath(raw: string, baseDir?: string): string {
  let path = raw.trim().replaceAll("\\", "/").replace(/^file:\/\//, "");
  if (baseDir) {
    const base = baseDir.replaceAll("\\", "/").replace(/\/+$/, "") + "/";
    if (path.startsWith(base)) path = path.slice(base.length);
  }
  return path.replace(/^(\.\/)+/, "");
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
  const short = tidy(message ?? "");
  const long = tidy(details ?? "");
  const text = !long ? short : !short || long.startsWith(short) ? long : `${short}\n\n${long}`;
  return text === "" ? null : truncateMessage(text);
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
 * Collects results by key. A key seen again is a rerun (retries written as repeated test cases):
 * the last run that was not skipped decides; passing after a failure is `flaky`; the last
 * message is kept; durations add up to the time spent on the test. The contract allows each key
 * once per request, so collapsing here also keeps such reports acceptable.
 */
export class ResultCollector {
  private readonly byKey = new Map<string, Accumulated>();

  add(result: ParsedResult): void {
    const seen = this.byKey.get(result.key);
    if (!seen) {
      if (this.byKey.size >= MAX_RESULTS_PER_REQUEST) {
        throw new ReportParseError(`the report has more than ${MAX_RESULTS_PER_REQUEST} tests; split it into smaller reports`);
      }
      this.byKey.set(result.key, { ...result, sawFailure: isFailure(result.status) });
      return;
    }
    mergeRun(seen, result);
  }

  results(): ParsedResult[] {
    if (this.byKey.size === 0) throw new ReportParseError("the report contains no test cases");
    return [...this.byKey.values()].map(({ key, status, durationMs, message }) => ({ key, status, durationMs, message }));
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
