// Runs pytest and node --test on the fixture suites now, in a temporary directory, and checks
// that their fresh JUnit output parses to the same keys and statuses as the checked-in reports.
// This catches a runner changing its output. Both runners are on every machine that runs the tests.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { parseJUnit, type ParsedReport } from "./junit";

const fixtures = fileURLToPath(new URL("./__fixtures__/", import.meta.url));
const work = mkdtempSync(path.join(tmpdir(), "shipcheck-junit-live-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const statuses = (report: ParsedReport) => report.results.map((r) => [r.key, r.status]);
const checkedIn = (file: string) => parseJUnit(readFileSync(path.join(fixtures, file), "utf8"));

/** Copies a fixture suite and runs a command in the copy; the suites fail on purpose (exit 1). */
function runIn(suite: string, command: string, args: string[], env: Record<string, string> = {}): string {
  const dir = path.join(work, suite);
  cpSync(path.join(fixtures, suite), dir, { recursive: true, filter: (src) => !src.endsWith("report.xml") });
  const run = spawnSync(command, args, { cwd: dir, encoding: "utf8", timeout: 60_000, env: { ...process.env, ...env } });
  if (run.error) throw new Error(`could not run ${command}: ${run.error.message}`);
  expect(run.status, `${command} ${args.join(" ")} exited ${run.status}\n${run.stdout}\n${run.stderr}`).toBe(1);
  return dir;
}

describe("live runners: fresh JUnit output parses like the fixtures", () => {
  it("pytest --junitxml", { timeout: 60_000 }, () => {
    const dir = runIn(
      "pytest",
      "python3",
      ["-m", "pytest", "-p", "no:cacheprovider", "--continue-on-collection-errors", "--junitxml=report.xml", "-q"],
      { PYTHONDONTWRITEBYTECODE: "1" },
    );
    const fresh = parseJUnit(readFileSync(path.join(dir, "report.xml"), "utf8"));
    expect(statuses(fresh)).toEqual(statuses(checkedIn("pytest/report.xml")));
    const failed = fresh.results.find((r) => r.key === "tests/test_sample.py::TestThing::test_fails");
    expect(failed?.message).toMatch(/^AssertionError: release name mismatch/);
    expect(fresh.results.find((r) => r.key === "tests/test_sample.py::test_markup_in_message")?.message).toContain(
      "<script>alert('x')</script> & more",
    );
    expect(fresh.run?.startedAt).toBeDefined();
  });

  it("node --test --test-reporter=junit", { timeout: 60_000 }, () => {
    const dir = runIn("node", process.execPath, [
      "--test",
      "--test-reporter=junit",
      "--test-reporter-destination=report.xml",
      "tests/math.test.mjs",
    ]);
    const fresh = parseJUnit(readFileSync(path.join(dir, "report.xml"), "utf8"), { baseDir: dir });
    // Newer Node versions also write the file, which then leads the key.
    const withoutFile = statuses(fresh).map(([key, status]) => [key!.replace(/^tests\/math\.test\.mjs::/, ""), status]);
    expect(withoutFile).toEqual(statuses(checkedIn("node/report.xml")));
    expect(fresh.results.find((r) => r.key.endsWith("math::fails"))?.message).toContain("one plus one is not three");
  });
});
