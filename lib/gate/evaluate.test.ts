import { describe, expect, it } from "vitest";
import type { CheckItem, ManualItem, MetricItem, MetricOperator, Phase, WatchItem } from "@/lib/templates/schema";
import { evaluateGate, evaluateItem, latestResults, UnknownEnvironmentError } from "./evaluate";
import type { GateInput, GateItem, GateMetric, GateRejection, GateResult, GateSignOff, ResultStatus } from "./types";

// ---------------------------------------------------------------------------------------------
// Builders
// ---------------------------------------------------------------------------------------------

const SHA = "def4567890abcdef1234567890abcdef12345678";
const OLD_SHA = "abc1234567890fedcba0987654321fedcba09876";

type Placement = { section: string; phase: Phase };
type CheckGateItem = CheckItem & Placement;
type MetricGateItem = MetricItem & Placement;
type ManualGateItem = ManualItem & Placement;
type WatchGateItem = WatchItem & Placement;

/** Minutes after a fixed instant, so "older" and "newer" read plainly in tests. */
const at = (minute: number) => new Date(Date.UTC(2025, 0, 15, 10, minute));

function checkItem(over: Partial<CheckGateItem> = {}): CheckGateItem {
  return {
    kind: "check",
    key: "smoke",
    title: "Smoke tests pass",
    required: true,
    environments: [],
    patterns: ["tests/smoke/*"],
    expect: "all-pass",
    allowFailures: 0,
    flaky: "pass",
    section: "Before deploying",
    phase: "pre-deploy",
    ...over,
  };
}

function metricItem(over: Partial<MetricGateItem> = {}): MetricGateItem {
  return {
    kind: "metric",
    key: "ws-throughput",
    title: "WebSocket throughput",
    required: true,
    environments: [],
    metric: "websocket_events_per_sec",
    operator: ">",
    threshold: 500,
    section: "Before deploying",
    phase: "pre-deploy",
    ...over,
  };
}

function manualItem(over: Partial<ManualGateItem> = {}): ManualGateItem {
  return {
    kind: "manual",
    key: "ws-events",
    title: "Verify all 5 WebSocket events appear",
    required: true,
    environments: [],
    role: "release-manager",
    approvals: 1,
    evidence: "optional",
    noSelfApproval: false,
    steps: [],
    section: "Before deploying",
    phase: "pre-deploy",
    ...over,
  };
}

function watchItem(over: Partial<WatchGateItem> = {}): WatchGateItem {
  return {
    kind: "watch",
    key: "error-rate",
    title: "Error rate stays low",
    required: true,
    environments: [],
    alert: "HighErrorRate",
    section: "Before deploying",
    phase: "pre-deploy",
    ...over,
  };
}

function result(key: string, status: ResultStatus, over: Partial<GateResult> = {}): GateResult {
  return {
    key,
    status,
    message: null,
    commitSha: SHA,
    environment: null,
    startedAt: at(0),
    reportedAt: at(1),
    ...over,
  };
}

/** `n` smoke results, `failed` of them failing, each with a distinct key. */
function smokeResults(n: number, failed = 0, over: Partial<GateResult> = {}): GateResult[] {
  return Array.from({ length: n }, (_, i) =>
    result(`tests/smoke/test_${i}.py::test_ok`, i < failed ? "failed" : "passed", over),
  );
}

function metric(value: number, over: Partial<GateMetric> = {}): GateMetric {
  return { name: "websocket_events_per_sec", value, commitSha: SHA, environment: null, reportedAt: at(5), ...over };
}

function signOff(userId: string, over: Partial<GateSignOff> = {}): GateSignOff {
  return {
    itemKey: "ws-events",
    userId,
    userLabel: `User ${userId}`,
    role: "release-manager",
    environment: "staging",
    commitSha: SHA,
    createdAt: at(10),
    revokedAt: null,
    ...over,
  };
}

function rejection(userId: string, over: Partial<GateRejection> = {}): GateRejection {
  return {
    itemKey: "ws-events",
    userId,
    userLabel: `User ${userId}`,
    role: "release-manager",
    environment: "staging",
    commitSha: SHA,
    reason: "only 4 of 5 events on the WS tab",
    createdAt: at(20),
    ...over,
  };
}

function gateInput(over: Partial<GateInput> = {}): GateInput {
  return {
    commitSha: SHA,
    environments: ["staging", "production"],
    items: [],
    results: [],
    metrics: [],
    signOffs: [],
    overrides: [],
    lock: null,
    ...over,
  };
}

/** Gate for staging with one item and the given evidence. */
function gateFor(item: GateItem, evidence: Partial<GateInput> = {}, environment = "staging") {
  return evaluateGate(gateInput({ items: [item], ...evidence }), environment);
}

// ---------------------------------------------------------------------------------------------
// check items
// ---------------------------------------------------------------------------------------------

describe("check items", () => {
  it("treats a missing result as pending, never as a pass", () => {
    const item = checkItem();
    const gate = gateFor(item);
    expect(gate.open).toBe(false);
    expect(gate.blocking).toEqual([
      { item: "smoke", title: "Smoke tests pass", reason: "pending", detail: "no result yet" },
    ]);
    const evaluation = evaluateItem(item, gateInput({ items: [item] }), "staging");
    expect(evaluation.status).toBe("pending");
    expect(evaluation.gating).toBe(true);
  });

  it("is pending when results exist but none match its patterns", () => {
    const gate = gateFor(checkItem(), { results: [result("tests/unit/test_x.py::test_y", "passed")] });
    expect(gate.open).toBe(false);
    expect(gate.blocking).toEqual([expect.objectContaining({ item: "smoke", reason: "pending", detail: "no result yet" })]);
  });

  it("passes when every matched test passed, saying N/N passed", () => {
    const item = checkItem();
    const input = gateInput({ items: [item], results: smokeResults(3) });
    expect(evaluateGate(input, "staging")).toMatchObject({ open: true, overridden: false, blocking: [] });
    const evaluation = evaluateItem(item, input, "staging");
    expect(evaluation.status).toBe("passed");
    expect(evaluation.summary).toBe("3/3 passed");
    expect(evaluation.matched).toHaveLength(3);
    expect(evaluation.failures).toEqual([]);
  });

  it("blocks on a failed test and exposes the failure message", () => {
    const item = checkItem();
    const results = [
      result("tests/smoke/test_a.py::test_ok", "passed"),
      result("tests/smoke/test_b.py::test_events", "failed", { message: "AssertionError: expected 5 events, got 4" }),
      result("tests/smoke/test_c.py::test_ok", "passed"),
    ];
    const input = gateInput({ items: [item], results });
    const gate = evaluateGate(input, "staging");
    expect(gate.open).toBe(false);
    expect(gate.blocking).toEqual([
      {
        item: "smoke",
        title: "Smoke tests pass",
        reason: "failed",
        detail: "1 of 3 tests failed",
        failures: [{ key: "tests/smoke/test_b.py::test_events", message: "AssertionError: expected 5 events, got 4" }],
        moreFailures: 0,
      },
    ]);
    const evaluation = evaluateItem(item, input, "staging");
    expect(evaluation.status).toBe("failed");
    expect(evaluation.failures).toEqual([
      { key: "tests/smoke/test_b.py::test_events", message: "AssertionError: expected 5 events, got 4" },
    ]);
  });

  it("reports a failure without a message as message null", () => {
    const item = checkItem();
    const input = gateInput({ items: [item], results: [result("tests/smoke/a.py::t", "failed", { message: undefined })] });
    expect(evaluateItem(item, input, "staging").failures).toEqual([{ key: "tests/smoke/a.py::t", message: null }]);
  });

  describe("expect: {count: 5}", () => {
    const item = checkItem({ expect: { count: 5 } });

    it("is pending with only 3 results", () => {
      const gate = gateFor(item, { results: smokeResults(3) });
      expect(gate.open).toBe(false);
      expect(gate.blocking).toEqual([
        expect.objectContaining({ item: "smoke", reason: "pending", detail: "3 of 5 expected tests reported" }),
      ]);
    });

    it("passes with 5 passing results", () => {
      const gate = gateFor(item, { results: smokeResults(5) });
      expect(gate.open).toBe(true);
      expect(evaluateItem(item, gateInput({ results: smokeResults(5) }), "staging").summary).toBe("5/5 passed");
    });

    it("fails with 6 results, even if all pass", () => {
      const gate = gateFor(item, { results: smokeResults(6) });
      expect(gate.open).toBe(false);
      expect(gate.blocking).toEqual([
        expect.objectContaining({ item: "smoke", reason: "failed", detail: "expected exactly 5 tests, got 6" }),
      ]);
    });

    it("fails with 5 results when one of them failed", () => {
      const gate = gateFor(item, { results: smokeResults(5, 1) });
      expect(gate.blocking).toEqual([expect.objectContaining({ reason: "failed", detail: "1 of 5 tests failed" })]);
    });
  });

  describe("expect: {min: 3}", () => {
    const item = checkItem({ expect: { min: 3 } });

    it("is pending below the minimum", () => {
      const gate = gateFor(item, { results: smokeResults(2) });
      expect(gate.open).toBe(false);
      expect(gate.blocking).toEqual([
        expect.objectContaining({ reason: "pending", detail: "2 of at least 3 tests reported" }),
      ]);
    });

    it("passes at and above the minimum", () => {
      expect(gateFor(item, { results: smokeResults(3) }).open).toBe(true);
      expect(gateFor(item, { results: smokeResults(7) }).open).toBe(true);
    });

    it("still fails on a failed test once the minimum is reached", () => {
      const gate = gateFor(item, { results: smokeResults(4, 1) });
      expect(gate.blocking).toEqual([expect.objectContaining({ reason: "failed", detail: "1 of 4 tests failed" })]);
    });
  });

  describe("allowFailures", () => {
    const item = checkItem({ allowFailures: 1 });

    it("passes with failures up to the allowance, and says so", () => {
      const input = gateInput({ items: [item], results: smokeResults(4, 1) });
      expect(evaluateGate(input, "staging").open).toBe(true);
      const evaluation = evaluateItem(item, input, "staging");
      expect(evaluation.status).toBe("passed");
      expect(evaluation.summary).toBe("3/4 passed (1 failure allowed)");
      // The tolerated failure is still visible.
      expect(evaluation.failures).toHaveLength(1);
    });

    it("fails above the allowance", () => {
      const gate = gateFor(item, { results: smokeResults(4, 2) });
      expect(gate.open).toBe(false);
      expect(gate.blocking).toEqual([expect.objectContaining({ reason: "failed", detail: "2 of 4 tests failed" })]);
    });
  });

  describe("flaky policy", () => {
    const results = [
      result("tests/smoke/a.py::test_ok", "passed"),
      result("tests/smoke/b.py::test_retry", "flaky", { message: "passed on retry 2" }),
    ];

    it("'pass' counts a flaky test as passed", () => {
      const item = checkItem({ flaky: "pass" });
      const input = gateInput({ items: [item], results });
      expect(evaluateGate(input, "staging").open).toBe(true);
      expect(evaluateItem(item, input, "staging").summary).toBe("2/2 passed");
    });

    it("'block' counts a flaky test as a failure", () => {
      const item = checkItem({ flaky: "block" });
      const input = gateInput({ items: [item], results });
      const gate = evaluateGate(input, "staging");
      expect(gate.open).toBe(false);
      expect(gate.blocking).toEqual([
        expect.objectContaining({ reason: "flaky", detail: "1 flaky test (passed only on retry; this check blocks flaky tests)" }),
      ]);
      expect(evaluateItem(item, input, "staging").failures).toEqual([
        { key: "tests/smoke/b.py::test_retry", message: "passed on retry 2" },
      ]);
    });
  });

  describe("skipped results", () => {
    it("leaves the item pending when every matched result was skipped", () => {
      const results = [result("tests/smoke/a.py::t", "skipped"), result("tests/smoke/b.py::t", "skipped")];
      const gate = gateFor(checkItem(), { results });
      expect(gate.open).toBe(false);
      expect(gate.blocking).toEqual([
        expect.objectContaining({ reason: "pending", detail: "no result yet (2 skipped)" }),
      ]);
    });

    it("does not count skipped results next to real ones", () => {
      const item = checkItem();
      const input = gateInput({
        items: [item],
        results: [result("tests/smoke/a.py::t", "skipped"), result("tests/smoke/b.py::t", "passed")],
      });
      expect(evaluateGate(input, "staging").open).toBe(true);
      expect(evaluateItem(item, input, "staging").summary).toBe("1/1 passed");
    });

    it("does not let skipped results make up an expected count", () => {
      const results = [...smokeResults(3), result("tests/smoke/s1.py::t", "skipped"), result("tests/smoke/s2.py::t", "skipped")];
      const gate = gateFor(checkItem({ expect: { count: 5 } }), { results });
      expect(gate.blocking).toEqual([expect.objectContaining({ reason: "pending" })]);
    });
  });

  describe("latest result wins", () => {
    const key = "tests/smoke/test_ws.py::test_events";
    const newerFailure = result(key, "failed", { startedAt: at(30), reportedAt: at(31), message: "newer run failed" });
    const olderPassArrivingLater = result(key, "passed", { startedAt: at(10), reportedAt: at(45) });

    it("an older run arriving later does not overwrite a newer one", () => {
      for (const results of [
        [newerFailure, olderPassArrivingLater],
        [olderPassArrivingLater, newerFailure],
      ]) {
        const gate = gateFor(checkItem(), { results });
        expect(gate.open).toBe(false);
        expect(gate.blocking).toEqual([expect.objectContaining({ reason: "failed", detail: "1 of 1 tests failed" })]);
        expect(latestResults(results, "staging", SHA)).toEqual([newerFailure]);
      }
    });

    it("a newer run replaces an older failure", () => {
      const olderFailure = result(key, "failed", { startedAt: at(10), reportedAt: at(11) });
      const newerPass = result(key, "passed", { startedAt: at(20), reportedAt: at(21) });
      for (const results of [
        [olderFailure, newerPass],
        [newerPass, olderFailure],
      ]) {
        expect(gateFor(checkItem(), { results }).open).toBe(true);
      }
    });

    it("reportedAt breaks ties between runs that started at the same time", () => {
      const failedFirst = result(key, "failed", { startedAt: at(10), reportedAt: at(12) });
      const passedLater = result(key, "passed", { startedAt: at(10), reportedAt: at(14) });
      expect(gateFor(checkItem(), { results: [failedFirst, passedLater] }).open).toBe(true);
      expect(gateFor(checkItem(), { results: [passedLater, failedFirst] }).open).toBe(true);

      const passedFirst = result(key, "passed", { startedAt: at(10), reportedAt: at(12) });
      const failedLater = result(key, "failed", { startedAt: at(10), reportedAt: at(14) });
      expect(gateFor(checkItem(), { results: [failedLater, passedFirst] }).open).toBe(false);
      expect(gateFor(checkItem(), { results: [passedFirst, failedLater] }).open).toBe(false);
    });

    it("runs tied on start and arrival (stored together) count by the worse status, in either order", () => {
      const worseFirst: ResultStatus[] = ["failed", "flaky", "skipped", "passed"];
      for (const [i, worse] of worseFirst.entries()) {
        for (const better of worseFirst.slice(i + 1)) {
          const a = result(key, worse, { startedAt: null, reportedAt: at(10) });
          const b = result(key, better, { startedAt: null, reportedAt: at(10) });
          expect(latestResults([a, b], "staging", SHA)).toEqual([a]);
          expect(latestResults([b, a], "staging", SHA)).toEqual([a]);
        }
      }
      const failed = result(key, "failed", { startedAt: at(5), reportedAt: at(10) });
      const passed = result(key, "passed", { startedAt: at(5), reportedAt: at(10) });
      expect(gateFor(checkItem(), { results: [failed, passed] }).open).toBe(false);
      expect(gateFor(checkItem(), { results: [passed, failed] }).open).toBe(false);
    });

    it("falls back to reportedAt when the producer gave no start time", () => {
      const older = result(key, "failed", { startedAt: null, reportedAt: at(5) });
      const newer = result(key, "passed", { startedAt: null, reportedAt: at(6) });
      expect(latestResults([newer, older], "staging", SHA)).toEqual([newer]);
    });
  });

  describe("which results count", () => {
    it("ignores results for another commit, and says they are stale", () => {
      expect(gateFor(checkItem(), { results: smokeResults(3, 0, { commitSha: OLD_SHA }) }).blocking).toEqual([
        expect.objectContaining({ reason: "stale", detail: "tested on abc1234, release is now def4567" }),
      ]);
      // ... including a newer failure for the old commit.
      const results = [
        result("tests/smoke/a.py::t", "passed", { startedAt: at(1) }),
        result("tests/smoke/a.py::t", "failed", { startedAt: at(50), commitSha: OLD_SHA }),
      ];
      expect(gateFor(checkItem(), { results }).open).toBe(true);
    });

    it("is stale only when the other commit's latest run of a test would have counted: a last run skipped there tested nothing", () => {
      const key = "tests/smoke/a.py::t";
      const passedThenSkipped = [
        result(key, "passed", { startedAt: at(1), commitSha: OLD_SHA }),
        result(key, "skipped", { startedAt: null, reportedAt: at(9), commitSha: OLD_SHA }),
      ];
      expect(gateFor(checkItem(), { results: passedThenSkipped }).blocking).toEqual([expect.objectContaining({ reason: "pending", detail: "no result yet" })]);
      // The other way round, its latest run did count there.
      const skippedThenPassed = [
        result(key, "skipped", { startedAt: at(1), commitSha: OLD_SHA }),
        result(key, "passed", { startedAt: at(5), commitSha: OLD_SHA }),
      ];
      expect(gateFor(checkItem(), { results: skippedThenPassed }).blocking).toEqual([expect.objectContaining({ reason: "stale", detail: "tested on abc1234, release is now def4567" })]);
    });

    it("ignores results for another environment", () => {
      const productionOnly = smokeResults(3, 0, { environment: "production" });
      expect(gateFor(checkItem(), { results: productionOnly }, "staging").blocking).toEqual([
        expect.objectContaining({ reason: "pending", detail: "no result yet" }),
      ]);
      // A failure reported for production does not block staging.
      const results = [
        result("tests/smoke/a.py::t", "passed", { environment: "staging", startedAt: at(1) }),
        result("tests/smoke/a.py::t", "failed", { environment: "production", startedAt: at(50) }),
      ];
      expect(gateFor(checkItem(), { results }, "staging").open).toBe(true);
    });

    it("counts environment-less results for every environment", () => {
      const item = checkItem();
      const input = gateInput({ items: [item], results: smokeResults(2, 0, { environment: null }) });
      expect(evaluateGate(input, "staging").open).toBe(true);
      expect(evaluateGate(input, "production").open).toBe(true);
    });

    it("counts results tagged with the environment being evaluated", () => {
      expect(gateFor(checkItem(), { results: smokeResults(2, 0, { environment: "staging" }) }, "staging").open).toBe(true);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// metric items
// ---------------------------------------------------------------------------------------------

describe("metric items", () => {
  it("is pending without a value", () => {
    const gate = gateFor(metricItem());
    expect(gate.open).toBe(false);
    expect(gate.blocking).toEqual([
      {
        item: "ws-throughput",
        title: "WebSocket throughput",
        reason: "pending",
        detail: "no value for websocket_events_per_sec yet",
      },
    ]);
  });

  it("a Prometheus reading without a value is pending with its reason, and outweighs an earlier passing value", () => {
    const doubtful = metric(0, { value: null, error: "the query returned 2 series, expected one", query: "x", reportedAt: at(6) });
    expect(gateFor(metricItem(), { metrics: [doubtful] }).blocking).toEqual([
      { item: "ws-throughput", title: "WebSocket throughput", reason: "pending", detail: "websocket_events_per_sec: no value from Prometheus: the query returned 2 series, expected one" },
    ]);
    expect(gateFor(metricItem(), { metrics: [metric(812), doubtful] }).open).toBe(false);
    // A later value counts again.
    expect(gateFor(metricItem(), { metrics: [doubtful, metric(812, { reportedAt: at(7) })] }).open).toBe(true);
  });

  it("ignores values for other metrics", () => {
    const gate = gateFor(metricItem(), { metrics: [metric(812, { name: "http_requests_per_sec" })] });
    expect(gate.blocking).toEqual([expect.objectContaining({ reason: "pending" })]);
  });

  it("passes when the value meets the threshold (812 > 500)", () => {
    const item = metricItem();
    const input = gateInput({ items: [item], metrics: [metric(812)] });
    expect(evaluateGate(input, "staging").open).toBe(true);
    const evaluation = evaluateItem(item, input, "staging");
    expect(evaluation.status).toBe("passed");
    expect(evaluation.summary).toBe("websocket_events_per_sec 812 is > 500");
  });

  it("blocks with reason metric, naming value, operator and threshold (412 is not > 500)", () => {
    const gate = gateFor(metricItem(), { metrics: [metric(412)] });
    expect(gate.open).toBe(false);
    expect(gate.blocking).toEqual([
      {
        item: "ws-throughput",
        title: "WebSocket throughput",
        reason: "metric",
        detail: "websocket_events_per_sec 412 is not > 500",
      },
    ]);
  });

  it("includes the unit in the detail when the item has one", () => {
    const gate = gateFor(metricItem({ unit: "events/s" }), { metrics: [metric(412)] });
    expect(gate.blocking[0]?.detail).toBe("websocket_events_per_sec 412 events/s is not > 500 events/s");
  });

  const table: Array<[MetricOperator, number, boolean]> = [
    [">", 501, true],
    [">", 500, false],
    [">", 499, false],
    [">=", 501, true],
    [">=", 500, true],
    [">=", 499, false],
    ["<", 499, true],
    ["<", 500, false],
    ["<", 501, false],
    ["<=", 499, true],
    ["<=", 500, true],
    ["<=", 501, false],
    ["==", 500, true],
    ["==", 499, false],
    ["==", 501, false],
  ];
  it.each(table)("operator %s with value %d against 500: passes=%s", (operator, value, passes) => {
    const item = metricItem({ operator });
    const input = gateInput({ items: [item], metrics: [metric(value)] });
    const gate = evaluateGate(input, "staging");
    expect(gate.open).toBe(passes);
    expect(evaluateItem(item, input, "staging").status).toBe(passes ? "passed" : "failed");
    if (!passes) {
      expect(gate.blocking).toEqual([
        expect.objectContaining({ reason: "metric", detail: `websocket_events_per_sec ${value} is not ${operator} 500` }),
      ]);
    }
  });

  it("uses the latest reported value", () => {
    const metrics = [metric(412, { reportedAt: at(20) }), metric(812, { reportedAt: at(10) })];
    expect(gateFor(metricItem(), { metrics }).blocking).toEqual([expect.objectContaining({ reason: "metric" })]);
    const recovered = [metric(412, { reportedAt: at(10) }), metric(812, { reportedAt: at(20) })];
    expect(gateFor(metricItem(), { metrics: recovered }).open).toBe(true);
  });

  it("ignores values for another commit or another environment", () => {
    expect(gateFor(metricItem(), { metrics: [metric(812, { commitSha: OLD_SHA })] }).blocking).toEqual([
      expect.objectContaining({ reason: "stale", detail: "websocket_events_per_sec measured on abc1234, release is now def4567" }),
    ]);
    expect(gateFor(metricItem(), { metrics: [metric(812, { environment: "production" })] }).blocking).toEqual([
      expect.objectContaining({ reason: "pending" }),
    ]);
    expect(gateFor(metricItem(), { metrics: [metric(812, { environment: "staging" })] }).open).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// manual items
// ---------------------------------------------------------------------------------------------

describe("manual items", () => {
  it("without sign-offs needs one from the required role", () => {
    const gate = gateFor(manualItem());
    expect(gate.open).toBe(false);
    expect(gate.blocking).toEqual([
      {
        item: "ws-events",
        title: "Verify all 5 WebSocket events appear",
        reason: "approvals",
        detail: "needs 1 more sign-off from release-manager",
      },
    ]);
  });

  it("passes with one sign-off from the required role on the current commit", () => {
    const item = manualItem();
    const input = gateInput({ items: [item], signOffs: [signOff("u1", { userLabel: "Dana" })] });
    expect(evaluateGate(input, "staging").open).toBe(true);
    const evaluation = evaluateItem(item, input, "staging");
    expect(evaluation.status).toBe("passed");
    expect(evaluation.summary).toBe("signed off by Dana");
    expect(evaluation.validSignOffs).toHaveLength(1);
  });

  describe("N distinct approvers", () => {
    const item = manualItem({ approvals: 2 });

    it("counts the same user twice only once", () => {
      const gate = gateFor(item, { signOffs: [signOff("u1"), signOff("u1", { createdAt: at(20) })] });
      expect(gate.open).toBe(false);
      expect(gate.blocking).toEqual([
        expect.objectContaining({ reason: "approvals", detail: "needs 1 more sign-off from release-manager" }),
      ]);
    });

    it("says how many more are needed", () => {
      expect(gateFor(manualItem({ approvals: 3 })).blocking[0]?.detail).toBe(
        "needs 3 more sign-offs from release-manager",
      );
    });

    it("passes with two distinct users", () => {
      expect(gateFor(item, { signOffs: [signOff("u1"), signOff("u2")] }).open).toBe(true);
    });
  });

  it("does not count a sign-off from a role below the required one", () => {
    const gate = gateFor(manualItem(), { signOffs: [signOff("u1", { role: "engineer" })] });
    expect(gate.open).toBe(false);
    expect(gate.blocking).toEqual([expect.objectContaining({ reason: "approvals" })]);
    expect(gateFor(manualItem(), { signOffs: [signOff("u1", { role: "viewer" })] }).open).toBe(false);
  });

  it("counts an admin for a release-manager item", () => {
    expect(gateFor(manualItem({ role: "release-manager" }), { signOffs: [signOff("u1", { role: "admin" })] }).open).toBe(
      true,
    );
  });

  it("counts an engineer for an engineer item, but not for an admin item", () => {
    expect(gateFor(manualItem({ role: "engineer" }), { signOffs: [signOff("u1", { role: "engineer" })] }).open).toBe(true);
    expect(
      gateFor(manualItem({ role: "admin" }), { signOffs: [signOff("u1", { role: "release-manager" })] }).open,
    ).toBe(false);
  });

  it("does not count revoked sign-offs", () => {
    const gate = gateFor(manualItem(), { signOffs: [signOff("u1", { revokedAt: at(15) })] });
    expect(gate.open).toBe(false);
    expect(gate.blocking).toEqual([expect.objectContaining({ reason: "approvals" })]);
  });

  it("does not count sign-offs for another environment", () => {
    const gate = gateFor(manualItem(), { signOffs: [signOff("u1", { environment: "production" })] }, "staging");
    expect(gate.open).toBe(false);
    expect(gate.blocking).toEqual([expect.objectContaining({ reason: "approvals" })]);
  });

  it("does not count sign-offs for another item", () => {
    expect(gateFor(manualItem(), { signOffs: [signOff("u1", { itemKey: "grafana" })] }).open).toBe(false);
  });

  it("makes the item stale when the only sign-offs are for an older commit", () => {
    const item = manualItem();
    const input = gateInput({ items: [item], signOffs: [signOff("u1", { commitSha: OLD_SHA })] });
    const gate = evaluateGate(input, "staging");
    expect(gate.open).toBe(false);
    expect(gate.blocking).toEqual([
      {
        item: "ws-events",
        title: "Verify all 5 WebSocket events appear",
        reason: "stale",
        detail: "signed for abc1234, release is now def4567",
      },
    ]);
    const evaluation = evaluateItem(item, input, "staging");
    expect(evaluation.status).toBe("stale");
    expect(evaluation.staleSignOffs).toHaveLength(1);
    expect(evaluation.validSignOffs).toHaveLength(0);
  });

  it("names the most recent stale commit, whatever order sign-offs arrive in", () => {
    const older = signOff("u1", { commitSha: "1111111aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", createdAt: at(1) });
    const recent = signOff("u2", { commitSha: OLD_SHA, createdAt: at(20) });
    for (const signOffs of [
      [older, recent],
      [recent, older],
    ]) {
      expect(gateFor(manualItem(), { signOffs }).blocking[0]?.detail).toBe(
        "signed for abc1234, release is now def4567",
      );
    }
  });

  it("is satisfied again once someone signs the current commit", () => {
    const gate = gateFor(manualItem(), { signOffs: [signOff("u1", { commitSha: OLD_SHA }), signOff("u2")] });
    expect(gate.open).toBe(true);
  });

  it("does not treat a revoked old sign-off as stale", () => {
    const gate = gateFor(manualItem(), { signOffs: [signOff("u1", { commitSha: OLD_SHA, revokedAt: at(12) })] });
    expect(gate.blocking).toEqual([expect.objectContaining({ reason: "approvals" })]);
  });
});

describe("rejections of manual items", () => {
  it("closes the gate with who rejected, why and for which commit, whatever the sign-offs before it", () => {
    const gate = gateFor(manualItem(), { signOffs: [signOff("u1")], rejections: [rejection("u2", { userLabel: "Rosa" })] });
    expect(gate.open).toBe(false);
    expect(gate.blocking).toEqual([
      {
        item: "ws-events",
        title: "Verify all 5 WebSocket events appear",
        reason: "rejected",
        detail: "rejected by Rosa for def4567: only 4 of 5 events on the WS tab",
        rejection: { by: "Rosa", reason: "only 4 of 5 events on the WS tab", commit: SHA, at: at(20).toISOString() },
      },
    ]);
    expect(evaluateItem(manualItem(), gateInput({ items: [manualItem()], rejections: [rejection("u2")] }), "staging").status).toBe("rejected");
  });

  it("is cleared by a later sign-off that counts, the rejecter's own included", () => {
    expect(gateFor(manualItem(), { rejections: [rejection("u2")], signOffs: [signOff("u1", { createdAt: at(30) })] }).open).toBe(true);
    expect(gateFor(manualItem(), { rejections: [rejection("u2")], signOffs: [signOff("u2", { createdAt: at(30) })] }).open).toBe(true);
  });

  it("stands again when the clearing sign-off is revoked", () => {
    const gate = gateFor(manualItem(), { rejections: [rejection("u2")], signOffs: [signOff("u1", { createdAt: at(30), revokedAt: at(31) })] });
    expect(gate.blocking).toEqual([expect.objectContaining({ reason: "rejected" })]);
  });

  it("is not cleared by a later sign-off that would not count (role too low, other commit, other environment)", () => {
    for (const later of [
      signOff("u1", { createdAt: at(30), role: "engineer" }),
      signOff("u1", { createdAt: at(30), commitSha: OLD_SHA }),
      signOff("u1", { createdAt: at(30), environment: "production" }),
    ]) {
      expect(gateFor(manualItem(), { signOffs: [signOff("u3"), later], rejections: [rejection("u2")] }).blocking).toEqual([
        expect.objectContaining({ reason: "rejected" }),
      ]);
    }
  });

  it("names the latest of several standing rejections; a later sign-off clears only those before it", () => {
    const first = rejection("u2", { userLabel: "Rosa", createdAt: at(20), reason: "first" });
    const second = rejection("u3", { userLabel: "Sam", createdAt: at(40), reason: "second" });
    expect(gateFor(manualItem(), { rejections: [second, first] }).blocking[0]?.detail).toBe("rejected by Sam for def4567: second");
    const between = signOff("u1", { createdAt: at(30) });
    expect(gateFor(manualItem(), { rejections: [first, second], signOffs: [between] }).blocking[0]?.detail).toBe("rejected by Sam for def4567: second");
  });

  it("for an older commit never blocks and never counts: after a rebuild the item needs sign-offs for the new commit", () => {
    const old = rejection("u2", { commitSha: OLD_SHA });
    expect(gateFor(manualItem(), { rejections: [old], signOffs: [signOff("u1", { createdAt: at(5) })] }).open).toBe(true);
    expect(gateFor(manualItem(), { rejections: [old] }).blocking).toEqual([expect.objectContaining({ reason: "approvals" })]);
  });

  it("only for its own item and environment; on the environment a verifyOn item is signed on", () => {
    expect(gateFor(manualItem(), { signOffs: [signOff("u1")], rejections: [rejection("u2", { environment: "production" })] }).open).toBe(true);
    expect(gateFor(manualItem(), { signOffs: [signOff("u1")], rejections: [rejection("u2", { itemKey: "other" })] }).open).toBe(true);
    const verified = manualItem({ verifyOn: "staging" });
    const deployments = [{ environment: "staging", commitSha: SHA, deployedAt: at(1) }];
    const signed = { deployments, signOffs: [signOff("u1", { createdAt: at(10) })] };
    expect(gateFor(verified, signed, "production").open).toBe(true);
    const gate = gateFor(verified, { ...signed, rejections: [rejection("u2", { environment: "staging" })] }, "production");
    expect(gate.blocking).toEqual([expect.objectContaining({ reason: "rejected" })]);
  });

  it("of an advisory item shows on the item but does not block", () => {
    const item = manualItem({ required: false });
    const input = gateInput({ items: [item], rejections: [rejection("u2")] });
    expect(evaluateGate(input, "staging").open).toBe(true);
    expect(evaluateItem(item, input, "staging").rejection?.userId).toBe("u2");
  });

  it("closes the next environment's gate through the previous-environment rule, and an override of E still opens E", () => {
    const input = gateInput({ items: [manualItem()], signOffs: [signOff("u1")], rejections: [rejection("u2")] });
    expect(evaluateGate(input, "production").blocking.map((b) => b.reason)).toContain("previous-environment");
    expect(evaluateGate({ ...input, overrides: [{ environment: "staging", reason: "r", by: "admin" }] }, "staging")).toMatchObject({ open: true, overridden: true });
  });
});

// ---------------------------------------------------------------------------------------------
// what counts toward the gate
// ---------------------------------------------------------------------------------------------

describe("which items gate", () => {
  it.each(["deploy", "post-deploy", "monitoring", "rollback"] as const)("%s items never block", (phase) => {
    const items = [
      checkItem({ key: "c", phase }),
      metricItem({ key: "m", phase }),
      manualItem({ key: "s", phase }),
    ];
    const input = gateInput({ items, results: smokeResults(2, 2), metrics: [metric(1)] });
    expect(evaluateGate(input, "staging")).toMatchObject({ open: true, blocking: [] });
    for (const item of items) expect(evaluateItem(item, input, "staging").gating).toBe(false);
    // Still evaluated, so the page can show them.
    expect(evaluateItem(items[0]!, input, "staging").status).toBe("failed");
  });

  it("advisory (required: false) items never block", () => {
    const items = [
      checkItem({ key: "c", required: false }),
      metricItem({ key: "m", required: false }),
      manualItem({ key: "s", required: false }),
    ];
    const input = gateInput({ items, results: smokeResults(3, 1), metrics: [metric(1)] });
    expect(evaluateGate(input, "staging")).toMatchObject({ open: true, blocking: [] });
    const evaluation = evaluateItem(items[0]!, input, "staging");
    expect(evaluation.status).toBe("failed");
    expect(evaluation.gating).toBe(false);
  });

  it("watch items never block the gate", () => {
    const item = watchItem();
    const input = gateInput({ items: [item] });
    expect(evaluateGate(input, "staging")).toMatchObject({ open: true, blocking: [] });
    expect(evaluateItem(item, input, "staging")).toMatchObject({ status: "watching", gating: false });
  });

  it("items limited to other environments don't block", () => {
    const item = checkItem({ environments: ["production"] });
    const input = gateInput({ items: [item] });
    expect(evaluateGate(input, "staging")).toMatchObject({ open: true, blocking: [] });
    expect(evaluateItem(item, input, "staging")).toMatchObject({ status: "not-applicable", gating: false });
    // ... but do block the environment they are for.
    expect(evaluateGate(input, "production").blocking).toEqual([
      expect.objectContaining({ item: "smoke", reason: "pending" }),
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// environments, lock, override
// ---------------------------------------------------------------------------------------------

describe("environment order", () => {
  const stagingSignOff = manualItem({ environments: ["staging"] });
  const productionSignOff = manualItem({ key: "prod-ok", title: "Production go-ahead", environments: ["production"] });

  it("blocks production while the staging gate is closed", () => {
    const input = gateInput({ items: [stagingSignOff] });
    const gate = evaluateGate(input, "production");
    expect(gate.open).toBe(false);
    expect(gate.blocking).toEqual([
      {
        item: "environment:staging",
        title: "staging gate",
        reason: "previous-environment",
        detail: "staging gate is closed (1 blocking)",
      },
    ]);
  });

  it("opens production when staging and its own items are satisfied", () => {
    const signOffs = [signOff("u1"), signOff("u2", { itemKey: "prod-ok", environment: "production" })];
    const input = gateInput({ items: [stagingSignOff, productionSignOff], signOffs });
    expect(evaluateGate(input, "staging").open).toBe(true);
    expect(evaluateGate(input, "production")).toMatchObject({ open: true, overridden: false, blocking: [] });
  });

  it("keeps production closed on its own items even when staging is open", () => {
    const input = gateInput({ items: [stagingSignOff, productionSignOff], signOffs: [signOff("u1")] });
    expect(evaluateGate(input, "staging").open).toBe(true);
    expect(evaluateGate(input, "production").blocking).toEqual([
      expect.objectContaining({ item: "prod-ok", reason: "approvals" }),
    ]);
  });

  it("chains through every earlier environment", () => {
    const devOnly = checkItem({ environments: ["dev"] });
    const input = gateInput({ environments: ["dev", "staging", "production"], items: [devOnly] });
    expect(evaluateGate(input, "staging").blocking).toEqual([
      expect.objectContaining({ item: "environment:dev", reason: "previous-environment" }),
    ]);
    expect(evaluateGate(input, "production").blocking).toEqual([
      expect.objectContaining({ item: "environment:staging", reason: "previous-environment" }),
    ]);
  });

  it("throws UnknownEnvironmentError for an environment the project does not have", () => {
    const input = gateInput({ items: [checkItem()] });
    expect(() => evaluateGate(input, "qa")).toThrow(UnknownEnvironmentError);
    try {
      evaluateGate(input, "qa");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(UnknownEnvironmentError);
      expect((error as UnknownEnvironmentError).environment).toBe("qa");
    }
  });
});

describe("project lock", () => {
  it("blocks with reason locked even when every item is satisfied", () => {
    const input = gateInput({ items: [checkItem()], results: smokeResults(2), lock: { reason: "release freeze" } });
    const gate = evaluateGate(input, "staging");
    expect(gate.open).toBe(false);
    expect(gate.blocking).toEqual([
      { item: "project-lock", title: "Project deploy lock", reason: "locked", detail: "release freeze" },
    ]);
  });

  it("blocks a gate with no items at all", () => {
    expect(evaluateGate(gateInput({ lock: { reason: "incident" } }), "staging").open).toBe(false);
  });

  it("names who locked, when known", () => {
    const gate = evaluateGate(gateInput({ lock: { reason: "incident 42", by: "rm@example.com" } }), "staging");
    expect(gate.blocking).toEqual([{ item: "project-lock", title: "Project deploy lock", reason: "locked", detail: "locked by rm@example.com: incident 42" }]);
  });

  it("wins over an override: the gate stays closed and is not reported as overridden", () => {
    const override = { environment: "staging", reason: "hotfix for outage", by: "admin@example.com" };
    const gate = evaluateGate(gateInput({ items: [checkItem()], overrides: [override], lock: { reason: "freeze" } }), "staging");
    expect(gate).toMatchObject({ open: false, overridden: false, override });
    expect(gate.blocking.map((b) => b.reason)).toEqual(["locked", "pending"]);
  });
});

describe("override", () => {
  const override = { environment: "staging", reason: "hotfix for outage", by: "admin@example.com" };

  it("opens the gate loudly and keeps the blocking list", () => {
    const gate = evaluateGate(gateInput({ items: [checkItem()], overrides: [override] }), "staging");
    expect(gate.open).toBe(true);
    expect(gate.overridden).toBe(true);
    expect(gate.override).toEqual(override);
    expect(gate.blocking).toEqual([expect.objectContaining({ item: "smoke", reason: "pending" })]);
  });

  it("only applies to its own environment", () => {
    const input = gateInput({
      items: [checkItem()],
      overrides: [{ ...override, environment: "production" }],
    });
    expect(evaluateGate(input, "staging")).toMatchObject({ open: false, overridden: false, override: null });
  });

  it("is not reported when there is none", () => {
    const gate = evaluateGate(gateInput({ items: [checkItem()], results: smokeResults(1) }), "staging");
    expect(gate).toMatchObject({ open: true, overridden: false, override: null });
  });
});

describe("blockers", () => {
  it("every blocker carries the item key and title", () => {
    const items: GateItem[] = [
      checkItem({ key: "pending-check", title: "Pending check", patterns: ["tests/none/*"] }),
      checkItem({ key: "failed-check", title: "Failed check" }),
      metricItem({ key: "slow", title: "Throughput" }),
      manualItem({ key: "ws-events", title: "WebSocket events" }),
      manualItem({ key: "grafana", title: "Grafana dashboards loading" }),
    ];
    const input = gateInput({
      items,
      results: smokeResults(2, 1),
      metrics: [metric(10)],
      signOffs: [signOff("u1", { itemKey: "grafana", commitSha: OLD_SHA })],
      lock: { reason: "freeze" },
    });
    const gate = evaluateGate(input, "staging");
    expect(gate.blocking.map((b) => [b.item, b.title, b.reason])).toEqual([
      ["project-lock", "Project deploy lock", "locked"],
      ["pending-check", "Pending check", "pending"],
      ["failed-check", "Failed check", "failed"],
      ["slow", "Throughput", "metric"],
      ["ws-events", "WebSocket events", "approvals"],
      ["grafana", "Grafana dashboards loading", "stale"],
    ]);
    for (const blocker of gate.blocking) {
      expect(blocker.item).not.toBe("");
      expect(blocker.title).not.toBe("");
      expect(blocker.detail).not.toBe("");
    }
  });
});

describe("work remembered between evaluations of one input", () => {
  it("gives every environment and item its own answer: a place's latest runs are shared, never mixed", () => {
    const items = [checkItem(), checkItem({ key: "all", title: "Whole suite", patterns: ["tests/"] })];
    const results = [
      result("tests/smoke/test_a.py::test_ok", "passed", { environment: "staging" }),
      result("tests/smoke/test_a.py::test_ok", "failed", { environment: "production", startedAt: at(5), reportedAt: at(6) }),
      result("tests/unit/test_b.py::test_ok", "passed"),
    ];
    const input = gateInput({ items, results });
    const first = ["staging", "production"].map((e) => evaluateGate(input, e));
    // Asked again, and in the other order: the same decisions.
    const again = ["production", "staging"].map((e) => evaluateGate(input, e)).reverse();
    expect(again).toEqual(first);
    expect(first[0]!.open).toBe(true);
    expect(first[1]!.blocking.map((b) => b.item)).toEqual(["smoke", "all"]);
    // A new input with the same items but other results is not answered from what was remembered.
    const fixed = gateInput({ items, results: [...results, result("tests/smoke/test_a.py::test_ok", "passed", { environment: "production", startedAt: at(9), reportedAt: at(10) })] });
    expect(evaluateGate(fixed, "production").open).toBe(true);
  });

  it("hands out matched runs that nobody can reorder for the next caller", () => {
    const input = gateInput({ items: [checkItem()], results: [result("tests/smoke/b.py::t", "passed"), result("tests/smoke/a.py::t", "passed")] });
    const matched = evaluateItem(input.items[0]!, input, "staging").matched;
    expect(() => matched.sort((x, y) => x.key.localeCompare(y.key))).toThrow(TypeError);
    expect(evaluateItem(input.items[0]!, input, "staging").matched.map((r) => r.key)).toEqual(["tests/smoke/b.py::t", "tests/smoke/a.py::t"]);
  });
});
