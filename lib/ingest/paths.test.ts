import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { resultsPayloadFrom } from "./negotiate";
import { absolutePathWarnings, normalisePath } from "./report";

describe("normalisePath: repository-relative paths", () => {
  it("strips baseDir, with or without a trailing slash, in either slash direction", () => {
    expect(normalisePath("/srv/ci/app/tests/a.test.js", "/srv/ci/app")).toBe("tests/a.test.js");
    expect(normalisePath("/srv/ci/app/tests/a.test.js", "/srv/ci/app/")).toBe("tests/a.test.js");
    expect(normalisePath("C:\\ci\\app\\tests\\a.test.js", "C:\\ci\\app")).toBe("tests/a.test.js");
    expect(normalisePath("file:///srv/ci/app/tests/a.test.js", "/srv/ci/app")).toBe("tests/a.test.js");
  });

  it("recognises the standard checkout roots of GitHub and GitLab runners without baseDir", () => {
    expect(normalisePath("/home/runner/work/app/app/tests/smoke/checkout.test.js")).toBe("tests/smoke/checkout.test.js");
    expect(normalisePath("/Users/runner/work/app/app/tests/x.py")).toBe("tests/x.py");
    expect(normalisePath("D:\\a\\app\\app\\tests\\smoke\\checkout.test.js")).toBe("tests/smoke/checkout.test.js");
    expect(normalisePath("/opt/actions-runner/_work/app/app/tests/x.py")).toBe("tests/x.py");
    expect(normalisePath("C:\\actions-runner\\_work\\app\\app\\tests\\x.py")).toBe("tests/x.py");
    expect(normalisePath("/github/workspace/tests/x.py")).toBe("tests/x.py");
    expect(normalisePath("/builds/shop/app/tests/x.py")).toBe("tests/x.py");
  });

  it("falls back to the runner roots when a path is not under baseDir, and leaves other paths alone", () => {
    expect(normalisePath("/home/runner/work/app/app/tests/x.py", "/somewhere/else")).toBe("tests/x.py");
    expect(normalisePath("/srv/ci/app/tests/x.py")).toBe("/srv/ci/app/tests/x.py");
    expect(normalisePath("./tests/x.py")).toBe("tests/x.py");
  });

  it("warns once per absolute file, naming baseDir when one was given", () => {
    expect(absolutePathWarnings(["/srv/a.js::x", "/srv/a.js::y", "tests/b.js::z"])).toEqual([
      "2 results keyed by the absolute path /srv/a.js: pass baseDir (the checkout directory) so keys are relative to the repository and match patterns such as tests/…",
    ]);
    expect(absolutePathWarnings(["C:/ci/a.js::x"], "D:\\a\\b\\b")[0]).toContain("(not under baseDir D:\\a\\b\\b)");
  });
});

describe("resultsPayloadFrom: ?baseDir=", () => {
  const ctrf = JSON.stringify({
    results: { tool: { name: "jest" }, summary: { start: 0, stop: 0 }, tests: [{ name: "adds", status: "passed", duration: 1, filePath: "/srv/ci/app/tests/a.test.js" }] },
  });
  const post = (query: string, body: string) => new Request(`http://x/results${query}`, { method: "POST", headers: { "content-type": "application/json" }, body });

  it("makes report paths relative, and warns when it cannot", () => {
    expect(resultsPayloadFrom(post("?baseDir=/srv/ci/app", ctrf), ctrf)).toMatchObject({ payload: { results: [{ key: "tests/a.test.js::adds" }] }, warnings: [] });
    const without = resultsPayloadFrom(post("", ctrf), ctrf);
    expect(without.payload.results[0]!.key).toBe("/srv/ci/app/tests/a.test.js::adds");
    expect(without.warnings).toHaveLength(1);
  });

  it("applies to Shipcheck JSON keys too", () => {
    const json = JSON.stringify({ results: [{ key: "/srv/ci/app/tests/x.py::test_a", status: "passed" }, { key: "smoke: home", status: "passed" }] });
    const { payload, warnings } = resultsPayloadFrom(post("?baseDir=/srv/ci/app", json), json);
    expect(payload.results.map((r) => r.key)).toEqual(["tests/x.py::test_a", "smoke: home"]);
    expect(warnings).toEqual([]);
  });

  it("refuses a baseDir that is not an absolute path", () => {
    expect(() => resultsPayloadFrom(post("?baseDir=app/src", ctrf), ctrf)).toThrow(AppError);
    expect(() => resultsPayloadFrom(post("?baseDir=D:%5Ca%5Capp%5Capp", ctrf), ctrf)).not.toThrow();
  });
});
