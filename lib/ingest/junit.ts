// JUnit XML (pytest, node:test, Playwright, jest-junit, Maven Surefire, …) -> results.
// Pure: a string in, results out. How test cases become keys is documented in ./junit-keys.ts.
//
// Status of one <testcase>: <failure> or <error> -> failed; else Surefire's <flakyFailure> or
// <flakyError> (failed, then passed on a rerun) -> flaky; else <skipped> -> skipped; else passed.
// Message: the element's `message` attribute, then its text (CDATA included, verbatim after XML's
// own entities), cut to 64 KB. gotestsum's placeholder message "Failed" gives way to the test's
// output it puts in the text; a failure with neither (cargo's libtest) takes the test case's
// <system-out>, where the panic is. `time` (seconds) -> durationMs. A key seen again (in the same
// variant) is a rerun; see ResultCollector. run.startedAt is the earliest suite `timestamp` that
// names its time zone. Several documents one after the other (cargo test writes one per test
// binary) are read as one report.
import { collectCases, keyMaker, type CaseContext, type CaseIdentity } from "./junit-keys";
import {
  absolutePathWarnings,
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
  const documents = splitDocuments(xml).map((text) => {
    const root = parseXml(text);
    if (root.tag !== "testsuites" && root.tag !== "testsuite") {
      throw new ReportParseError(`not a JUnit report: the root element is <${root.tag}>, expected <testsuites> or <testsuite>`);
    }
    return { root, cases: collectCases(root) };
  });
  if (documents.every((d) => d.cases.length === 0)) throw new ReportParseError("the report contains no test cases");

  const collector = new ResultCollector();
  for (const { root, cases } of documents) {
    const keyOf = keyMaker(root, cases, options.baseDir);
    for (const testCase of cases) collector.add(toResult(testCase, keyOf));
  }
  const results = collector.results();
  const startedAt = documents.map((d) => earliestTimestamp(d.root, d.cases)).filter((t): t is string => t !== undefined).sort()[0];
  return {
    format: "junit",
    results,
    ...(startedAt ? { run: { startedAt } } : {}),
    warnings: absolutePathWarnings(results.map((r) => r.key), options.baseDir),
  };
}

/** One document, or several written one after the other, each with its own XML declaration. */
function splitDocuments(xml: string): string[] {
  const parts = xml.replace(/^\uFEFF/, "").split(/(?=<\?xml[\s?])/);
  const documents = parts.filter((p) => p.trim() !== "");
  return documents.length > 1 ? documents : [xml];
}

function toResult(testCase: CaseContext, keyOf: (c: CaseContext) => CaseIdentity): ParsedResult {
  const { status, outcomes } = outcomeOf(testCase.testcase);
  const { key, variant } = keyOf(testCase);
  const message = messageOf(outcomes) ?? (status === "failed" ? systemOut(testCase.testcase) : null);
  return {
    key: cleanKey(key),
    status,
    durationMs: secondsToMs(testCase.testcase.attrs.time),
    message,
    variant,
  };
}

/** The test's own output: where cargo's libtest puts the panic message and assertion. */
function systemOut(testcase: XmlElement): string | null {
  return combineMessage(undefined, childElements(testcase, "system-out").map(ownText).join("\n"));
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
  const parts = outcomes
    .map((o) => {
      const details = detailText(o);
      // gotestsum: message="Failed", the test's output (the real failure) as the text.
      const message = o.attrs.message === "Failed" && details.trim() !== "" ? undefined : o.attrs.message;
      return combineMessage(message, details);
    })
    .filter((m): m is string => m !== null);
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
