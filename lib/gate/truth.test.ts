// The gate on the inputs that once opened it wrongly (issue: "the gate tells the truth on real
// inputs"). Each test fails on the rules as they were before docs/templates.md's "new" rules.
import { describe, expect, it } from "vitest";
import type { CheckItem, ManualItem, Phase } from "@/lib/templates/schema";
import { evaluateGate, evaluateItem } from "./evaluate";
import { patternMatches } from "./match";
import type { GateInput, GateResult, GateSignOff, ResultStatus } from "./types";

const SHA = "def4567890abcdef1234567890abcdef12345678";
const OLD = "abc1234567890fedcba0987654321fedcba09876";
const at = (minute: number) => new Date(Date.UTC(2026, 10, 1, 10, minute));
const placed = { section: "Before deploying", phase: "pre-deploy" as Phase };

function check(patterns: string[], over: Partial<CheckItem> = {}) {
  return { kind: "check", key: "tests", title: "Tests pass", required: true, environments: [], patterns, expect: "all-pass", allowFailures: 0, flaky: "pass", ...placed, ...over } as CheckItem & typeof placed;
}

function manual(over: Partial<ManualItem> = {}) {
  return { kind: "manual", key: "ws-events", title: "WS events on staging", required: true, environments: [], role: "release-manager", approvals: 1, evidence: "optional", noSelfApproval: false, steps: [], ...placed, ...over } as ManualItem & typeof placed;
}

let arrival = 0;
function result(key: string, status: ResultStatus, over: Partial<GateResult> = {}): GateResult {
  arrival++;
  return { key, status, message: null, commitSha: SHA, environment: null, startedAt: null, reportedAt: at(arrival), ...over };
}

function signOff(over: Partial<GateSignOff> = {}): GateSignOff {
  return { itemKey: "ws-events", userId: "u1", userLabel: "Rita", role: "release-manager", environment: "staging", commitSha: SHA, createdAt: at(30), revokedAt: null, ...over };
}

function input(over: Partial<GateInput>): GateInput {
  return { commitSha: SHA, environments: ["staging", "production"], items: [], results: [], metrics: [], signOffs: [], overrides: [], lock: null, ...over };
}

describe("patterns cover what they name", () => {
  it("a glob covers a test whose parameter holds a slash", () => {
    expect(patternMatches("tests/smoke/*", "tests/smoke/test_api.py::test_get[/login]")).toBe(true);
    const gate = evaluateGate(
      input({ items: [check(["tests/smoke/*"])], results: [result("tests/smoke/test_api.py::test_get[/login]", "failed"), result("tests/smoke/test_ok.py::test_ok", "passed")] }),
      "staging",
    );
    expect(gate.open).toBe(false);
    expect(gate.blocking[0]).toMatchObject({ reason: "failed", failures: [{ key: "tests/smoke/test_api.py::test_get[/login]" }] });
  });

  it("a file glob covers every test in the files", () => {
    expect(patternMatches("tests/smoke/*.py", "tests/smoke/test_x.py::test_y")).toBe(true);
    const gate = evaluateGate(
      input({ items: [check(["tests/unit/", "tests/smoke/*.py"])], results: [result("tests/unit/test_a.py::t", "passed"), result("tests/smoke/test_x.py::test_y", "failed")] }),
      "staging",
    );
    expect(gate.open).toBe(false);
  });

  it.each([
    ["tests/x.py::test_events", "tests/x.py::test_events[agent_started]"],
    ["com.example.CounterTest::increments", "com.example.CounterTest::increments(int, int)[1]"],
    ["com.example.CheckoutTest", "com.example.CheckoutTest$Cart::adds"],
    ["example.com/cart::TestCart", "example.com/cart::TestCart/adds"],
    ["tests/x.py::TestA", "tests/x.py::TestA::test_b[1-2]"],
    ["tests/mission_critical/", "tests/mission_critical/test_x.py::t"],
    ["tests/x.py::test_get[/login]", "tests/x.py::test_get[/login]"],
    ["./tests/x.py", "tests/x.py::t"],
    ["tests/**/test_*.py", "tests/test_a.py::t"],
    ["tests/**/test_*.py", "tests/a/b/test_a.py::t"],
  ])("%s covers %s", (pattern, key) => expect(patternMatches(pattern, key)).toBe(true));

  it.each([
    ["tests/x.py::test_events", "tests/x.py::test_events_all"],
    ["com.example.CheckoutTest", "com.example.CheckoutTestIT::adds"],
    ["example.com/cart::TestCart", "example.com/cart::TestCartX"],
    ["tests/mission_critical/", "tests/mission_critical.py::t"],
    ["tests/mission_critical/", "tests/mission_critical"],
    ["tests/x.py", "tests/x.pyc::t"],
    ["tests/x.py::test_get[/lo]", "tests/x.py::test_get[/login]"],
    ["tests/smoke/*", "tests/smoke.py::t"],
    ["tests/?", "tests/ab::t"],
  ])("%s does not cover %s", (pattern, key) => expect(patternMatches(pattern, key)).toBe(false));
});

describe("each pattern must be covered", () => {
  it("a guarded path naming several checks is pending until each ran", () => {
    const item = check(["tests/mission_critical/", "tests/integration/test_ws.py"]);
    const one = input({ items: [item], results: [result("tests/mission_critical/test_a.py::t", "passed")] });
    expect(evaluateGate(one, "staging").blocking).toEqual([expect.objectContaining({ reason: "pending", detail: "no result for `tests/integration/test_ws.py`" })]);
    const both = input({ items: [item], results: [...one.results, result("tests/integration/test_ws.py::t", "passed")] });
    expect(evaluateGate(both, "staging").open).toBe(true);
  });
});

describe("flaky: block", () => {
  it("is not tolerated by allowFailures, and says flaky", () => {
    const item = check(["tests/smoke/"], { flaky: "block", allowFailures: 2 });
    const gate = evaluateGate(input({ items: [item], results: [result("tests/smoke/a.py::t", "flaky"), result("tests/smoke/b.py::t", "passed")] }), "staging");
    expect(gate.open).toBe(false);
    expect(gate.blocking[0]).toMatchObject({ reason: "flaky", detail: expect.stringContaining("flaky") });
    expect(gate.blocking[0]!.detail).not.toContain("tests failed");
  });
});

describe("reasons people can act on", () => {
  it("names the first failing tests with the first line of their message, then how many more", () => {
    const results = [1, 2, 3, 4, 5].map((n) => result(`tests/smoke/t${n}.py::t`, "failed", { message: `\nAssertionError: ${n}\nmore detail` }));
    const blocker = evaluateGate(input({ items: [check(["tests/smoke/"])], results }), "staging").blocking[0]!;
    expect(blocker.failures).toEqual([
      { key: "tests/smoke/t1.py::t", message: "AssertionError: 1" },
      { key: "tests/smoke/t2.py::t", message: "AssertionError: 2" },
      { key: "tests/smoke/t3.py::t", message: "AssertionError: 3" },
    ]);
    expect(blocker.moreFailures).toBe(2);
  });

  it("a count expectation with failures and too few results says both", () => {
    const item = check(["tests/final.py"], { expect: { count: 5 } });
    const results = [result("tests/final.py::a", "failed"), result("tests/final.py::b", "passed")];
    const blocker = evaluateGate(input({ items: [item], results }), "staging").blocking[0]!;
    expect(blocker).toMatchObject({ reason: "failed", detail: "1 of 2 tests failed; 2 of 5 expected tests reported" });
  });

  it("after a rebuild, a check whose results were for the old commit is stale, naming it", () => {
    const evaluation = evaluateItem(check(["tests/smoke/"]), input({ results: [result("tests/smoke/a.py::t", "passed", { commitSha: OLD })] }), "staging");
    expect(evaluation).toMatchObject({ status: "stale", summary: "tested on abc1234, release is now def4567" });
  });
});

describe("the newest run wins, per variant", () => {
  it("a passing run in one browser does not hide a failure in another", () => {
    const results = [result("e2e/a.spec.ts::adds", "failed", { variant: "firefox" }), result("e2e/a.spec.ts::adds", "passed", { variant: "chromium" })];
    expect(evaluateGate(input({ items: [check(["e2e/"])], results }), "staging").open).toBe(false);
  });
});

describe("overrides", () => {
  const item = check(["tests/smoke/"]);
  const failing = [result("tests/smoke/a.py::t", "failed")];
  const override = { environment: "staging", reason: "hotfix", by: "Ada" };

  it("an override of staging does not satisfy production's staging first", () => {
    const production = { ...check(["tests/prod/"]), key: "prod", environments: ["production"] };
    const state = input({ items: [{ ...item, environments: ["staging"] }, production], results: [...failing, result("tests/prod/a.py::t", "passed")], overrides: [override] });
    expect(evaluateGate(state, "staging")).toMatchObject({ open: true, overridden: true });
    const gate = evaluateGate(state, "production");
    expect(gate.open).toBe(false);
    expect(gate.blocking).toEqual([expect.objectContaining({ reason: "previous-environment", detail: "staging was opened by an override, not by its checklist (1 blocking)" })]);
    // An override of its own opens production, loudly.
    expect(evaluateGate({ ...state, overrides: [override, { ...override, environment: "production" }] }, "production")).toMatchObject({ open: true, overridden: true });
  });

  it("is not 'overridden' once the checklist is satisfied", () => {
    const gate = evaluateGate(input({ items: [item], results: [result("tests/smoke/a.py::t", "passed")], overrides: [override] }), "staging");
    expect(gate).toMatchObject({ open: true, overridden: false });
  });
});

describe("verifyOn: done on staging, gating production", () => {
  const item = manual({ verifyOn: "staging" });
  const deployed = { environment: "staging", commitSha: SHA, deployedAt: at(20) };

  it("does not gate staging, so staging can open", () => {
    const state = input({ items: [item] });
    expect(evaluateGate(state, "staging").open).toBe(true);
    expect(evaluateItem(item, state, "staging")).toMatchObject({ gating: false, status: "pending" });
  });

  it("gates production until signed on staging after the deploy there", () => {
    const before = input({ items: [item] });
    expect(evaluateGate(before, "production").blocking).toEqual([expect.objectContaining({ item: "ws-events", detail: expect.stringContaining("record the deploy to staging first") })]);
    const signedEarly = input({ items: [item], deployments: [deployed], signOffs: [signOff({ createdAt: at(10) })] });
    expect(evaluateGate(signedEarly, "production").open).toBe(false);
    const signed = input({ items: [item], deployments: [deployed], signOffs: [signOff({ createdAt: at(25) })] });
    expect(evaluateGate(signed, "production").open).toBe(true);
    // A sign-off given on production does not count: the work happens on staging.
    const wrongPlace = input({ items: [item], deployments: [deployed], signOffs: [signOff({ environment: "production", createdAt: at(25) })] });
    expect(evaluateGate(wrongPlace, "production").open).toBe(false);
  });

  it("a deploy of an older commit does not count", () => {
    const state = input({ items: [item], deployments: [{ ...deployed, commitSha: OLD }], signOffs: [signOff({ createdAt: at(25) })] });
    expect(evaluateGate(state, "production").open).toBe(false);
  });

  it("a check verified on staging counts only staging results that arrived after the deploy", () => {
    const verify = { ...check(["tests/post_deploy/"]), verifyOn: "staging" };
    const base = { items: [verify], deployments: [deployed] };
    expect(evaluateGate(input({ ...base, results: [result("tests/post_deploy/a.py::t", "passed", { environment: null, reportedAt: at(40) })] }), "production").open).toBe(false);
    expect(evaluateGate(input({ ...base, results: [result("tests/post_deploy/a.py::t", "passed", { environment: "staging", reportedAt: at(15) })] }), "production").open).toBe(false);
    expect(evaluateGate(input({ ...base, results: [result("tests/post_deploy/a.py::t", "passed", { environment: "staging", reportedAt: at(40) })] }), "production").open).toBe(true);
  });

  it("a newer run reported for no environment does not hide the staging run that counts", () => {
    const verify = { ...check(["tests/post_deploy/"]), verifyOn: "staging" };
    const results = [
      result("tests/post_deploy/a.py::t", "passed", { environment: "staging", startedAt: at(35), reportedAt: at(40) }),
      result("tests/post_deploy/a.py::t", "failed", { environment: null, startedAt: at(45), reportedAt: at(46) }),
    ];
    expect(evaluateGate(input({ items: [verify], deployments: [deployed], results }), "production").open).toBe(true);
  });

  it("does not apply before the environment it is verified on", () => {
    const state = input({ environments: ["dev", "staging", "production"], items: [item] });
    expect(evaluateItem(item, state, "dev").status).toBe("not-applicable");
  });
});
