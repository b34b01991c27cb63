import { describe, expect, it } from "vitest";
import type { Blocker, GateDecision } from "@/lib/gate";
import { gateChanges, stateOf } from "./changes";

const blocker = (item: string, reason: Blocker["reason"] = "pending"): Blocker => ({ item, title: item, reason, detail: reason });
const gate = (environment: string, blocking: Blocker[], open = blocking.length === 0): GateDecision => ({ environment, open, overridden: false, override: null, blocking });
const manual = new Set(["approval"]);

describe("what is announced between two evaluations", () => {
  it("a gate that opens, and one that closes with its reasons", () => {
    const before = stateOf([gate("staging", [blocker("smoke")]), gate("production", [])], []);
    const changes = gateChanges(before, [gate("staging", []), gate("production", [blocker("smoke", "failed"), blocker("approval", "approvals")])], [], manual);
    expect(changes.map((c) => [c.type, c.environment])).toEqual([
      ["gate.opened", "staging"],
      ["gate.closed", "production"],
    ]);
    expect(changes[1]!.reasons.map((r) => r.item)).toEqual(["smoke", "approval"]);
  });

  it("a sign-off that became the last blocker, once", () => {
    const before = stateOf([gate("staging", [blocker("smoke"), blocker("approval", "approvals")])], []);
    const now = [gate("staging", [blocker("approval", "approvals")])];
    expect(gateChanges(before, now, [], manual)).toEqual([{ type: "signoff.needed", environment: "staging", reasons: [blocker("approval", "approvals")] }]);
    expect(gateChanges(stateOf(now, []), now, [], manual)).toEqual([]);
  });

  it("no sign-off needed when the last blocker is not a sign-off", () => {
    const before = stateOf([gate("staging", [blocker("smoke"), blocker("approval", "approvals")])], []);
    expect(gateChanges(before, [gate("staging", [blocker("smoke")])], [], manual)).toEqual([]);
  });

  it("nothing for a gate that stays closed or open", () => {
    const before = stateOf([gate("staging", [blocker("smoke")]), gate("production", [])], []);
    expect(gateChanges(before, [gate("staging", [blocker("smoke"), blocker("other")]), gate("production", [])], [], manual)).toEqual([]);
  });

  it("a rollback newly recommended", () => {
    const before = stateOf([gate("staging", [])], []);
    expect(gateChanges(before, [gate("staging", [])], ["staging"], manual)).toEqual([{ type: "rollback.recommended", environment: "staging", reasons: [] }]);
    expect(gateChanges(stateOf([gate("staging", [])], ["staging"]), [gate("staging", [])], ["staging"], manual)).toEqual([]);
  });

  it("on first sight, only gates already open", () => {
    expect(gateChanges(null, [gate("staging", [blocker("approval", "approvals")]), gate("production", [])], [], manual).map((c) => c.type)).toEqual(["gate.opened"]);
  });
});
