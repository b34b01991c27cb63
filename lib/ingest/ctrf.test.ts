import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { resultsPayloadSchema } from "@/lib/validation/results";
import { parseCtrf, ReportParseError, type ParsedReport } from "./ctrf";

const fixture = (path: string): unknown => JSON.parse(readFileSync(new URL(`./__fixtures__/${path}`, import.meta.url), "utf8"));
const statuses = (report: ParsedReport) => report.results.map((r) => [r.key, r.status]);
const expectValidPayload = (report: ParsedReport) =>
  expect(() => resultsPayloadSchema.parse({ run: report.run, results: report.results })).not.toThrow();
const report = (tests: unknown[], summary: Record<string, unknown> = { start: 0, stop: 0 }) => ({
  results: { tool: { name: "runner" }, summary, tests },
});
const parseError = (json: unknown): ReportParseError => {
  try {
    parseCtrf(json);
  } catch (error) {
    if (error instanceof ReportParseError) return error;
    throw error;
  }
  throw new Error("expected a ReportParseError");
};

describe("parseCtrf: CTRF 1.0 report", () => {
  const parsed = parseCtrf(fixture("ctrf/ctrf-1.0.json"));

  it("keys tests as filePath::suites::name and maps statuses", () => {
    expect(parsed.format).toBe("ctrf");
    expect(statuses(parsed)).toEqual([
      ["tests/mission_critical/test_final_validation.py::TestMissionCritical::test_final_validation", "passed"],
      ["tests/mission_critical/test_final_validation.py::TestMissionCritical::test_websocket_events", "flaky"],
      ["tests/admin/test_dashboard.py::TestAdmin::TestDashboard::test_dashboard_loads", "failed"],
      ["tests/auth/test_sso.py::test_sso_login", "skipped"],
      ["tests/test_export.py::test_legacy_export", "skipped"],
      ["smoke: homepage responds", "passed"],
    ]);
    expectValidPayload(parsed);
  });

  it("keeps message then trace, markup as text, and durations in milliseconds", () => {
    const failed = parsed.results[2]!;
    expect(failed.message).toBe(
      'Element not found: <div class="metrics">\n\nselenium.common.exceptions.NoSuchElementException: Element not found: <div class="metrics">\n  at tests/admin/test_dashboard.py:42',
    );
    expect(failed.durationMs).toBe(8000);
    expect(parsed.results[3]!.message).toBe("waiting for the identity provider sandbox");
    expect(parsed.results[0]!.message).toBeNull();
  });

  it("takes run.startedAt from summary.start", () => {
    expect(parsed.run).toEqual({ startedAt: "2026-11-27T12:00:00.000Z" });
  });
});

describe("parseCtrf: playwright-ctrf-json-reporter output", () => {
  const parsed = parseCtrf(fixture("ctrf/playwright-ctrf-json-reporter.json"), { baseDir: "/home/runner/work/shop/shop" });

  it("splits string suites on ' > ', drops the spec file from them and relativises filePath", () => {
    expect(statuses(parsed)).toEqual([
      ["e2e/basics.spec.ts::checkout::adds numbers", "passed"],
      ["e2e/basics.spec.ts::checkout::fails", "failed"],
      ["e2e/basics.spec.ts::checkout::is skipped", "skipped"],
      ["e2e/basics.spec.ts::checkout::passes on retry", "flaky"],
      ["e2e/basics.spec.ts::top-level test", "passed"],
    ]);
    expect(new Set(parsed.results.map((r) => r.variant))).toEqual(new Set(["chromium"]));
    expect(parsed.warnings).toEqual([]);
    expectValidPayload(parsed);
  });

  it("does not repeat the message when the trace begins with it", () => {
    const message = parsed.results[1]!.message ?? "";
    expect(message).toMatch(/^Error: release name\n\nexpect\(received\)/);
    expect(message.match(/Error: release name/g)).toHaveLength(1);
    expect(message).toContain("at /home/runner/work/shop/shop/e2e/basics.spec.ts:11:41");
  });

  it("recognises a GitHub-hosted runner's checkout root without baseDir", () => {
    const relative = parseCtrf(fixture("ctrf/playwright-ctrf-json-reporter.json"));
    expect(relative.results[0]!.key).toBe("e2e/basics.spec.ts::checkout::adds numbers");
    expect(relative.run?.startedAt).toBe("2026-11-27T16:42:00.394Z");
  });

  it("keeps a path it cannot make relative, and warns about it once per file", () => {
    const tests = [
      { name: "a", status: "passed", duration: 1, filePath: "/srv/ci/shop/tests/a.test.js" },
      { name: "b", status: "passed", duration: 1, filePath: "/srv/ci/shop/tests/a.test.js" },
    ];
    const parsed = parseCtrf(report(tests));
    expect(parsed.results.map((r) => r.key)).toEqual(["/srv/ci/shop/tests/a.test.js::a", "/srv/ci/shop/tests/a.test.js::b"]);
    expect(parsed.warnings).toHaveLength(1);
    expect(parsed.warnings[0]).toMatch(/^2 results keyed by the absolute path \/srv\/ci\/shop\/tests\/a\.test\.js: pass baseDir/);
    const withBase = parseCtrf(report(tests), { baseDir: "/srv/ci/shop/" });
    expect(withBase.results.map((r) => r.key)).toEqual(["tests/a.test.js::a", "tests/a.test.js::b"]);
    expect(withBase.warnings).toEqual([]);
  });
});

describe("parseCtrf: statuses, retries and duplicates", () => {
  const one = (test: Record<string, unknown>) => parseCtrf(report([{ name: "t", duration: 5, ...test }])).results[0]!;

  it("passed with flaky, retries or a failed attempt is flaky; failed stays failed even when marked flaky", () => {
    expect(one({ status: "passed" }).status).toBe("passed");
    expect(one({ status: "passed", flaky: true }).status).toBe("flaky");
    expect(one({ status: "passed", retries: 2 }).status).toBe("flaky");
    expect(one({ status: "passed", retryAttempts: [{ status: "failed" }, { status: "passed" }] }).status).toBe("flaky");
    expect(one({ status: "passed", retries: 0, flaky: false }).status).toBe("passed");
    expect(one({ status: "failed", flaky: true, retries: 3 }).status).toBe("failed");
  });

  it("pending and other count as skipped", () => {
    expect(one({ status: "pending" }).status).toBe("skipped");
    expect(one({ status: "other", rawStatus: "interrupted" }).status).toBe("skipped");
  });

  it("tolerates null optional fields and ignores fields it does not use", () => {
    expect(one({ status: "passed", message: null, trace: null, suite: null, extra: { a: 1 }, steps: [] })).toEqual({
      key: "t",
      status: "passed",
      durationMs: 5,
      message: null,
      variant: null,
    });
  });

  it("collapses the same test reported twice like JUnit reruns", () => {
    const parsed = parseCtrf(
      report([
        { name: "t", status: "failed", duration: 5, message: "first", filePath: "a.test.ts" },
        { name: "t", status: "passed", duration: 7, filePath: "a.test.ts" },
      ]),
    );
    expect(parsed.results).toEqual([{ key: "a.test.ts::t", status: "flaky", durationMs: 12, message: "first", variant: null }]);
  });

  it("reads summary.start in seconds when it is too small to be milliseconds, and ignores 0", () => {
    expect(parseCtrf(report([{ name: "t", status: "passed", duration: 1 }], { start: 1795780800, stop: 1795780820 })).run).toEqual({
      startedAt: "2026-11-27T12:00:00.000Z",
    });
    expect(parseCtrf(report([{ name: "t", status: "passed", duration: 1 }])).run).toBeUndefined();
  });
});

describe("parseCtrf: invalid reports", () => {
  it("says which field is wrong", () => {
    const error = parseError(report([{ name: "t", status: "broken", duration: 1 }]));
    expect(error.message).toMatch(/^not a CTRF report: results\.tests\.0\.status: /);
    expect(error.details?.[0]?.path).toBe("results.tests.0.status");
    expect(error).toBeInstanceOf(AppError);
    expect(error.status).toBe(422);
  });

  it("refuses non-reports, reports without tests and negative durations", () => {
    expect(parseError(null).message).toMatch(/not a CTRF report/);
    expect(parseError([]).message).toMatch(/not a CTRF report/);
    expect(parseError({ results: { tests: [] } }).message).toMatch(/results\.tool/);
    expect(parseError(report([])).message).toMatch(/no test cases/);
    expect(parseError(report([{ name: "t", status: "passed", duration: -1 }])).message).toMatch(/duration/);
    expect(parseError(report([{ name: "", status: "passed", duration: 1 }])).message).toMatch(/a test needs a name/);
  });

  it("refuses more than 20,000 tests and keys over 1000 characters", () => {
    const many = Array.from({ length: 20_001 }, (_, i) => ({ name: `t${i}`, status: "passed", duration: 1 }));
    const tooMany = parseError(report(many));
    expect(tooMany.message).toMatch(/at most 20,000 results; this one has more: split it/);
    expect(tooMany.code).toBe("payload_too_large");
    expect(parseError(report([{ name: "x".repeat(1001), status: "passed", duration: 1 }])).message).toMatch(/longer than 1000/);
  });
});
