// JUnit XML (pytest, node:test, Playwright, jest-junit, Maven Surefire, …) -> results.
// Pure: a string in, results out. How test cases become keys is documented in ./junit-keys.ts.
//
// Status of one <testcase>: <failure> or <error> -> failed; else Surefire's <flakyFailure> or
// <flakyError> (failed, then passed on a rerun) -> flaky; else <skipped> -> skipped; else passed.
// Message: the element's `message` attribute, then its text (CDATA included, verbatim after XML's
// own entities), cut to 64 KB. `time` (seconds) -> durationMs. A key seen again is a rerun; see
// ResultCollector. run.startedAt is the earliest suite `timestamp` that names its time zone.
import { collectCases, keyMaker, type CaseContext } from "./junit-keys";
import {
  cleanKey,
  combineMessage,
  isoInstant,
  ReportParseError,
  ResultCollector,
  secondsToMs,
  type ParsedReport,
  type ParsedResult,
  type ParseOptions,
} from "./report";
import { childElements, ownText, parseXml, type XmlElement } from "./xml";

export { ReportParseError } from "./report";
export type { ParsedReport, ParsedResult, ParseOptions } from "./report";

export function parseJUnit(xml: string, options: ParseOptions = {}): ParsedReport {
  const root = parseXml(xml);
  if (root.tag !== "testsuites" && root.tag !== "testsuite") {
    throw new ReportParseError(`not a JUnit report: the root element is <${root.tag}>, expected <testsuites> or <testsuite>`);
  }
  const cases = collectCases(root);
  if (cases.length === 0) throw new ReportParseError("the report contains no test cases");

  const keyOf = keyMaker(root, cases, options.baseDir);
  const collector = new ResultCollector();
  for (const testCase of cases) collector.add(toResult(testCase, keyOf));

  const startedAt = earliestTimestamp(root, cases);
  return { format: "junit", results: collector.results(), ...(startedAt ? { run: { startedAt } } : {}) };
}

function toResult(testCase: CaseContext, keyOf: (c: CaseContext) => string): ParsedResult {
  const { status, outcomes } = outcomeOf(testCase.testcase);
  return {
    key: cleanKey(keyOf(testCase)),
    status,
    durationMs: secondsToMs(testCase.testcase.attrs.time),
    message: messageOf(outcomes),
  };
}

/** The status and the child elements that explain it. */
function outcomeOf(testcase: XmlElement): { status: ParsedResult["status"]; outcomes: XmlElement[] } {
  const children = childElements(testcase);
  const failures = children.filter((c) => c.tag === "failure" || c.tag === "error");
  if (failures.length > 0) return { status: "failed", outcomes: failures };
  const flaky = children.filter((c) => c.tag === "flakyFailure" || c.tag === "flakyError");
  if (flaky.length > 0) return { status: "flaky", outcomes: flaky };
  const skipped = children.filter((c) => c.tag === "skipped");
  if (skipped.length > 0) return { status: "skipped", outcomes: skipped };
  return { status: "passed", outcomes: [] };
}

/** jest-junit writes one <failure> per failed expectation: all of them are kept, in order. */
function messageOf(outcomes: XmlElement[]): string | null {
  const parts = outcomes.map((o) => combineMessage(o.attrs.message, detailText(o))).filter((m): m is string => m !== null);
  return parts.length === 0 ? null : combineMessage(undefined, parts.join("\n\n"));
}

/** Surefire's rerun elements keep the trace in a <stackTrace> child rather than as text. */
function detailText(outcome: XmlElement): string {
  const own = ownText(outcome);
  const traces = childElements(outcome, "stackTrace").map(ownText);
  return [own.trim() === "" ? "" : own, ...traces].join("");
}

function earliestTimestamp(root: XmlElement, cases: CaseContext[]): string | undefined {
  const suites = new Set([root, ...cases.flatMap((c) => c.suites)]);
  const instants = [...suites].map((s) => isoInstant(s.attrs.timestamp)).filter((t): t is string => t !== undefined);
  return instants.sort()[0];
}
