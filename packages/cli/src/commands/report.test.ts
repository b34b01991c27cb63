// What `report` sends: the format, the Idempotency-Key, the checkout directory, the run; which files.
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkoutDir, ciRunFacts, detectFormat, idempotencyKey } from "./report";
import { reportFiles } from "./report-files";

const REPORT = JSON.stringify({ results: [{ key: "tests/smoke/test_a.py::test_ok", status: "passed" }] });

describe("report", () => {
  it("detects the format and derives a stable Idempotency-Key from the file and where it goes", () => {
    expect(detectFormat('\n  <?xml version="1.0"?><testsuites/>')).toBe("junit");
    expect(detectFormat('{"results":{"tool":{"name":"jest"},"summary":{},"tests":[]}}')).toBe("ctrf");
    expect(detectFormat('{"results":[]}')).toBe("json");
    expect(() => detectFormat("")).toThrow(/empty/);
    expect(() => detectFormat("all good!")).toThrow(/neither XML \(JUnit\) nor JSON/);
    const bytes = Buffer.from(REPORT);
    const key = idempotencyKey(bytes, "p", "v1", "json", { environment: "staging" });
    expect(key).toMatch(/^shipcheck-report-[0-9a-f]{64}$/);
    expect(idempotencyKey(Buffer.from(REPORT), "p", "v1", "json", { environment: "staging" })).toBe(key);
    expect(idempotencyKey(bytes, "p", "v1", "json", { environment: "production" })).not.toBe(key);
    expect(idempotencyKey(bytes, "p", "v2", "json", { environment: "staging" })).not.toBe(key);
    expect(idempotencyKey(bytes, "p", "v1", "json", { environment: "staging", commit: "abc" })).not.toBe(key);
    expect(idempotencyKey(Buffer.from(REPORT + " "), "p", "v1", "json", { environment: "staging" })).not.toBe(key);
    expect(idempotencyKey(bytes, "p", "v1", "json", { environment: "staging" }, "/ci/a")).not.toBe(idempotencyKey(bytes, "p", "v1", "json", { environment: "staging" }, "/ci/b"));
  });

  it("takes the run from GitHub Actions or GitLab CI", () => {
    expect(ciRunFacts({ GITLAB_CI: "true", CI_JOB_ID: "9", CI_JOB_URL: "https://gitlab.example/j/9" })).toEqual({ runId: "9", runUrl: "https://gitlab.example/j/9" });
    expect(ciRunFacts({ GITHUB_ACTIONS: "true", GITHUB_RUN_ID: "5", GITHUB_REPOSITORY: "o/r" })).toEqual({ runId: "5", runUrl: "https://github.com/o/r/actions/runs/5" });
    expect(ciRunFacts({})).toEqual({});
  });

  it("takes the checkout directory from --base-dir, GITHUB_WORKSPACE, CI_PROJECT_DIR, else the current directory", () => {
    expect(checkoutDir({ GITHUB_WORKSPACE: "/gh/app", CI_PROJECT_DIR: "/builds/g/app" }, "/given")).toBe("/given");
    expect(checkoutDir({ GITHUB_WORKSPACE: "/gh/app", CI_PROJECT_DIR: "/builds/g/app" })).toBe("/gh/app");
    expect(checkoutDir({ CI_PROJECT_DIR: "/builds/g/app" })).toBe("/builds/g/app");
    expect(checkoutDir({})).toBe(process.cwd());
  });
});

describe("reportFiles", () => {
  it("expands globs (sorted), keeps plain names, drops repeats, and refuses a glob that matches nothing", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "shipcheck-files-"));
    await mkdir(path.join(dir, "target", "surefire-reports"), { recursive: true });
    for (const name of ["TEST-b.xml", "TEST-a.xml", "other.txt"]) await writeFile(path.join(dir, "target", "surefire-reports", name), "<testsuite/>");
    await writeFile(path.join(dir, "report[1].xml"), "<testsuite/>");
    const files = await reportFiles(["target/surefire-reports/TEST-*.xml", "target/surefire-reports/TEST-a.xml", "report[1].xml", "missing.xml"], dir);
    expect(files).toEqual([
      { file: "target/surefire-reports/TEST-a.xml", fromGlob: true },
      { file: "target/surefire-reports/TEST-b.xml", fromGlob: true },
      { file: "report[1].xml", fromGlob: false },
      { file: "missing.xml", fromGlob: false },
    ]);
    await expect(reportFiles(["target/**/junit-*.xml"], dir)).rejects.toThrow("no file matches target/**/junit-*.xml");
    const absolute = await reportFiles([path.join(dir, "target/surefire-reports/TEST-*.xml")], "/");
    expect(absolute.map((f) => f.file)).toEqual([path.join(dir, "target/surefire-reports/TEST-a.xml"), path.join(dir, "target/surefire-reports/TEST-b.xml")]);
  });
});
