import { describe, expect, it } from "vitest";
import type { Blocker, GateDecision } from "@/lib/gate";
import { approvalDecision } from "./decision";

const blocker = (reason: Blocker["reason"], title = "Smoke tests pass"): Blocker => ({ item: title.toLowerCase().replace(/\W+/g, "-"), title, reason, detail: `${reason} detail` });
const gate = (environment: string, blocking: Blocker[], extra: Partial<GateDecision> = {}): GateDecision => ({ environment, open: blocking.length === 0, overridden: false, override: null, blocking, ...extra });

describe("approvalDecision", () => {
  it("approves an open gate, and says so when an override opened it", () => {
    expect(approvalDecision([gate("staging", [])], "staging", "v1")).toEqual({ answer: "approved", comment: "Shipcheck: the staging gate of v1 is open: its checklist is met." });
    const overridden = gate("staging", [blocker("pending")], { open: true, overridden: true, override: { environment: "staging", reason: "hotfix for the outage", by: "ada@example.com" } });
    const decision = approvalDecision([overridden], "staging", "v1");
    expect(decision.answer).toBe("approved");
    expect(decision.answer === "approved" && decision.comment).toContain("override (ada@example.com: hotfix for the outage)");
  });

  it.each(["failed", "flaky", "metric", "rejected"] as const)("rejects when a blocker is %s, naming it", (reason) => {
    const decision = approvalDecision([gate("staging", [blocker("approvals", "Release manager approval"), blocker(reason)])], "staging", "v1");
    expect(decision.answer).toBe("rejected");
    if (decision.answer !== "rejected") return;
    expect(decision.reasons.map((r) => r.reason)).toEqual([reason]);
    expect(decision.comment).toContain(`Smoke tests pass: ${reason} detail`);
    expect(decision.comment).not.toContain("Release manager approval");
  });

  it.each(["pending", "approvals", "stale", "locked"] as const)("keeps waiting while evidence is only missing (%s)", (reason) => {
    expect(approvalDecision([gate("staging", [blocker(reason)])], "staging", "v1").answer).toBe("wait");
  });

  it("rejects a later environment for what failed on an earlier one, and waits when the earlier one only lacks evidence", () => {
    const previous = blocker("previous-environment", "staging gate");
    expect(approvalDecision([gate("staging", [blocker("failed")]), gate("production", [previous])], "production", "v1").answer).toBe("rejected");
    expect(approvalDecision([gate("staging", [blocker("pending")]), gate("production", [previous])], "production", "v1").answer).toBe("wait");
  });

  it("never approves an environment it does not know, and keeps comments to one bounded line", () => {
    expect(approvalDecision([gate("staging", [])], "qa", "v1").answer).toBe("wait");
    const long = blocker("failed", `Check\n${"x".repeat(3000)}`);
    const decision = approvalDecision([gate("staging", [long])], "staging", "v1");
    expect(decision.answer === "rejected" && decision.comment.length).toBe(1000);
    expect(decision.answer === "rejected" && decision.comment).not.toContain("\n");
  });
});
