// What GitHub is told for a gate: commit status bodies within GitHub's limits, and when a
// protection rule is approved, rejected or left waiting.
import { describe, expect, it } from "vitest";
import type { Blocker, GateDecision } from "@/lib/gate";
import { closedForGood, commitStatusBody, markdownText, protectionAnswer, REVIEW_COMMENT_MAX, STATUS_DESCRIPTION_MAX } from "./gate-answer";
import { reviewPath } from "./config";

const blocker = (item: string, reason: Blocker["reason"], detail = `${item} detail`): Blocker => ({ item, title: `Title of ${item}`, reason, detail });
const gate = (environment: string, blocking: Blocker[], extra: Partial<GateDecision> = {}): GateDecision => ({
  environment,
  open: blocking.length === 0,
  overridden: false,
  override: null,
  blocking,
  ...extra,
});
const release = { version: "v1.2.0", url: "https://shipcheck.example/projects/p/releases/v1.2.0?env=production" };

describe("closedForGood", () => {
  it("is true for a failure, a flaky-only failure, a metric or a rejection; false for what may still come right", () => {
    for (const reason of ["failed", "flaky", "metric", "rejected"] as const) expect(closedForGood(gate("staging", [blocker("a", reason)]), [])).toBe(true);
    for (const reason of ["pending", "approvals", "stale", "locked"] as const) expect(closedForGood(gate("staging", [blocker("a", reason)]), [])).toBe(false);
    expect(closedForGood(gate("staging", []), [])).toBe(false);
  });

  it("follows an earlier environment: production waits while staging waits, and is rejected once staging failed", () => {
    const waitingStaging = gate("staging", [blocker("approval", "approvals")]);
    const failedStaging = gate("staging", [blocker("build", "failed")]);
    const production = gate("production", [blocker("environment:staging", "previous-environment")]);
    expect(closedForGood(production, [waitingStaging, production])).toBe(false);
    expect(closedForGood(production, [failedStaging, production])).toBe(true);
  });
});

describe("commitStatusBody", () => {
  it("is success when open, failure when closed for good, pending otherwise, with context shipcheck/<environment>", () => {
    expect(commitStatusBody(gate("staging", []), [], "https://x/r")).toEqual({ state: "success", description: "Gate open: every item is satisfied", target_url: "https://x/r", context: "shipcheck/staging" });
    expect(commitStatusBody(gate("staging", [blocker("build", "failed")]), [], "u").state).toBe("failure");
    const pending = commitStatusBody(gate("staging", [blocker("approval", "approvals", "needs 1 more sign-off")]), [], "u");
    expect(pending).toMatchObject({ state: "pending", description: "Blocked (1): Title of approval: needs 1 more sign-off" });
  });

  it("keeps the description within 140 characters however many reasons, on one line", () => {
    const many = Array.from({ length: 30 }, (_, i) => blocker(`item-${i}`, "pending", `a long\nreason ${"x".repeat(40)}`));
    const body = commitStatusBody(gate("production", many), [], "u");
    expect(body.description.length).toBeLessThanOrEqual(STATUS_DESCRIPTION_MAX);
    expect(body.description).toMatch(/^Blocked \(30\): Title of item-0: a long reason/);
    expect(body.description).not.toContain("\n");
    expect(body.description.endsWith("…")).toBe(true);
  });

  it("says an override opened it, with the reason", () => {
    const opened = gate("production", [], { overridden: true, override: { environment: "production", reason: "hotfix for the outage", by: "admin" } });
    expect(commitStatusBody(opened, [], "u")).toMatchObject({ state: "success", description: "Gate open by override: hotfix for the outage" });
  });
});

describe("protectionAnswer", () => {
  it("approves an open gate, waits for missing evidence, rejects a failure naming it", () => {
    expect(protectionAnswer(gate("production", []), [], release)).toMatchObject({ state: "approved" });
    expect(protectionAnswer(gate("production", [blocker("approval", "approvals")]), [], release)).toBeNull();
    const rejected = protectionAnswer(gate("production", [blocker("build", "failed", "2 of 40 tests failed")]), [], release)!;
    expect(rejected.state).toBe("rejected");
    expect(rejected.comment).toContain("**Title of build** (failed): 2 of 40 tests failed");
    expect(rejected.comment).toContain(`(${release.url})`);
  });

  it("escapes untrusted text so it cannot become a link, a mention or markup, and stays within the limit", () => {
    const hostile = blocker("x", "rejected", "[click](https://evil.example) @everyone **bold** <img src=x>");
    const many = Array.from({ length: 200 }, (_, i) => blocker(`failing-${i}`, "failed", "y".repeat(50)));
    const answer = protectionAnswer(gate("production", [hostile, ...many]), [], release)!;
    expect(answer.comment.length).toBeLessThanOrEqual(REVIEW_COMMENT_MAX);
    expect(answer.comment).toContain("\\[click\\]\\(https\\:");
    expect(answer.comment).toContain("\\@everyone");
    expect(answer.comment).not.toMatch(/(^|[^\\])<img/);
    expect(answer.comment).toMatch(/…and \d+ more/);
    expect(markdownText("a_b*c")).toBe("a\\_b\\*c");
  });
});

describe("reviewPath", () => {
  it("accepts only GitHub's protection rule review address on the configured API", () => {
    expect(reviewPath("https://api.github.com/repos/o/r/actions/runs/42/deployment_protection_rule", "https://api.github.com")).toBe("/repos/o/r/actions/runs/42/deployment_protection_rule");
    expect(reviewPath("https://ghe.example/api/v3/repos/o/r/actions/runs/42/deployment_protection_rule", "https://ghe.example/api/v3")).toBe("/repos/o/r/actions/runs/42/deployment_protection_rule");
    for (const bad of [
      "https://evil.example/repos/o/r/actions/runs/42/deployment_protection_rule",
      "http://api.github.com/repos/o/r/actions/runs/42/deployment_protection_rule",
      "https://api.github.com/repos/o/r/actions/runs/42/deployment_protection_rule?x=1",
      "https://api.github.com/repos/o/r/statuses/abc",
      "https://api.github.com/repos/o/r/actions/runs/../../x/deployment_protection_rule",
      "not a url",
    ]) {
      expect(reviewPath(bad, "https://api.github.com"), bad).toBeNull();
    }
  });
});
