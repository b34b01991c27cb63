import { describe, expect, it } from "vitest";
import { patternMatches } from "./match";

describe("patternMatches", () => {
  describe("globs", () => {
    it("a single star covers pytest node ids in that directory", () => {
      expect(patternMatches("tests/smoke/*", "tests/smoke/test_a.py::test_ok")).toBe(true);
      expect(patternMatches("tests/smoke/*", "tests/smoke/test_b.py::TestWs::test_events")).toBe(true);
    });

    it("a single star matches a subdirectory, and so covers what is inside it, as the shell would run it", () => {
      expect(patternMatches("tests/smoke/*", "tests/smoke/nested/test_c.py::test_ok")).toBe(true);
      expect(patternMatches("tests/smoke/*", "tests/smoke.py::test_ok")).toBe(false);
      expect(patternMatches("tests/smoke/**", "tests/smoke/nested/test_c.py::test_ok")).toBe(true);
    });

    it("matches file name globs and the node-id wildcard of a file", () => {
      expect(patternMatches("tests/**/test_*.py::*", "tests/mission_critical/test_final_validation.py::test_x")).toBe(
        true,
      );
      expect(
        patternMatches(
          "tests/mission_critical/test_final_validation.py::*",
          "tests/mission_critical/test_final_validation.py::test_all_five_events",
        ),
      ).toBe(true);
      expect(
        patternMatches("tests/mission_critical/test_final_validation.py::*", "tests/mission_critical/test_other.py::t"),
      ).toBe(false);
    });

    it("does not match keys outside the glob", () => {
      expect(patternMatches("tests/smoke/*", "tests/unit/test_a.py::test_ok")).toBe(false);
      expect(patternMatches("tests/smoke/*", "other/tests/smoke/test_a.py::test_ok")).toBe(false);
      expect(patternMatches("tests/smoke/*", "tests/smoke")).toBe(false);
    });
  });

  describe("pytest node-id prefixes", () => {
    it("a class covers its test methods", () => {
      expect(patternMatches("tests/x.py::TestClass", "tests/x.py::TestClass::test_y")).toBe(true);
      expect(patternMatches("tests/x.py::TestClass", "tests/x.py::TestClass::test_y[param-1]")).toBe(true);
    });

    it("a class does not cover another class whose name merely starts the same", () => {
      expect(patternMatches("tests/x.py::TestClass", "tests/x.py::TestClassB::t")).toBe(false);
      expect(patternMatches("tests/x.py::TestClass", "tests/x.py::TestClassB")).toBe(false);
    });

    it("a file covers every test in it, but not a file with a longer name", () => {
      expect(patternMatches("tests/x.py", "tests/x.py::TestClass::test_y")).toBe(true);
      expect(patternMatches("tests/x.py", "tests/x.py::test_z")).toBe(true);
      expect(patternMatches("tests/x.py", "tests/x.pyc")).toBe(false);
      expect(patternMatches("tests/x.py", "tests/x.py_old::test_z")).toBe(false);
    });

    it("a test id does not cover its parent or its siblings", () => {
      expect(patternMatches("tests/x.py::TestClass::test_y", "tests/x.py::TestClass")).toBe(false);
      expect(patternMatches("tests/x.py::TestClass::test_y", "tests/x.py::TestClass::test_z")).toBe(false);
    });
  });

  describe("directories", () => {
    it("a trailing slash covers everything below the directory", () => {
      expect(patternMatches("tests/mission_critical/", "tests/mission_critical/test_final_validation.py::test_x")).toBe(
        true,
      );
      expect(patternMatches("tests/mission_critical/", "tests/mission_critical/deep/nested/test_y.py::T::t")).toBe(true);
    });

    it("does not cover a sibling directory with the same prefix", () => {
      expect(patternMatches("tests/mission_critical/", "tests/mission_critical_old/test_x.py::t")).toBe(false);
      expect(patternMatches("tests/mission_critical/", "tests/other/test_x.py::t")).toBe(false);
    });
  });

  describe("exact keys", () => {
    it("matches the same key and nothing longer or shorter", () => {
      expect(patternMatches("lint", "lint")).toBe(true);
      expect(patternMatches("lint", "lint-extra")).toBe(false);
      expect(patternMatches("lint", "lin")).toBe(false);
      expect(patternMatches("lint", "LINT")).toBe(false);
    });

    it("matches a parametrized pytest id exactly, brackets and all", () => {
      const id = "tests/test_ws.py::test_events[connect-5]";
      expect(patternMatches(id, id)).toBe(true);
    });

    it("matches github:ci/build style keys", () => {
      expect(patternMatches("github:ci/build", "github:ci/build")).toBe(true);
      expect(patternMatches("github:ci/build", "github:ci/build-docs")).toBe(false);
      expect(patternMatches("github:ci/build", "github:ci/test")).toBe(false);
      expect(patternMatches("github:ci/build", "gitlab:ci/build")).toBe(false);
    });

    it("github check keys can be globbed", () => {
      expect(patternMatches("github:ci/*", "github:ci/build")).toBe(true);
      expect(patternMatches("github:ci/*", "github:deploy/build")).toBe(false);
    });
  });

  it("gives the same answer when a pattern is reused (matchers are cached)", () => {
    for (let i = 0; i < 3; i++) {
      expect(patternMatches("tests/smoke/*", "tests/smoke/a.py::t")).toBe(true);
      expect(patternMatches("tests/smoke/*", "tests/unit/a.py::t")).toBe(false);
    }
  });
});
