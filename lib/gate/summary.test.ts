import { describe, expect, it } from "vitest";
import { summarizeGate } from "./summary";
import type { GateDecision } from "./types";

const blocker = (item: string, detail: string) => ({ item, title: `${item} title`, reason: "pending" as const, detail });

describe("summarizeGate", () => {
  it("counts the blockers and names the first as the gate lists it", () => {
    const gate: GateDecision = { environment: "staging", open: false, overridden: false, override: null, blocking: [blocker("suite", "no result yet"), blocker("approval", "0 of 1 sign-offs")] };
    expect(summarizeGate(gate)).toEqual({ environment: "staging", open: false, overridden: false, blocking: 2, firstBlocker: "suite title: no result yet" });
  });

  it("an open gate has no blocker to name; an overridden one says so", () => {
    expect(summarizeGate({ environment: "production", open: true, overridden: false, override: null, blocking: [] })).toMatchObject({ open: true, blocking: 0, firstBlocker: null });
    const overridden = summarizeGate({ environment: "production", open: true, overridden: true, override: null, blocking: [blocker("suite", "2 failed")] });
    expect(overridden).toMatchObject({ open: true, overridden: true, blocking: 1, firstBlocker: "suite title: 2 failed" });
  });
});
