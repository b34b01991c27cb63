// Rollback criteria: watch items judged only on evidence that arrived after the deploy.
import { describe, expect, it } from "vitest";
import { adviseRollback, evaluateItem } from "./evaluate";
import type { GateInput, GateItem } from "./types";

const SHA = "a".repeat(40);
const deployedAt = new Date("2026-11-28T10:00:00Z");
const before = new Date("2026-11-28T09:00:00Z");
const afterDeploy = new Date("2026-11-28T11:00:00Z");

const watch = (key: string, fields: Partial<GateItem>): GateItem =>
  ({ kind: "watch", key, title: key, required: true, environments: [], section: "Rollback", phase: "rollback", ...fields }) as GateItem;

const items: GateItem[] = [
  watch("mission-critical", { check: "tests/mission_critical/" } as Partial<GateItem>),
  watch("throughput", { metric: { name: "events_per_sec", operator: "<", threshold: 500 } } as Partial<GateItem>),
  watch("events-missing", { alert: "MissingWebSocketEvents" } as Partial<GateItem>),
];

function input(extra: Partial<GateInput> = {}): GateInput {
  return { commitSha: SHA, environments: ["staging", "production"], items, results: [], metrics: [], signOffs: [], deployments: [{ environment: "production", commitSha: SHA, deployedAt }], alerts: [], ...extra };
}

const result = (status: "passed" | "failed", at: Date) => ({ key: "tests/mission_critical/test_x.py::test_y", status, commitSha: SHA, environment: null, startedAt: at, reportedAt: at });

describe("watch items", () => {
  it("only watch after a deploy to that environment", () => {
    expect(evaluateItem(items[0]!, input(), "staging")).toMatchObject({ status: "watching", gating: false });
    expect(adviseRollback(input(), "staging")).toMatchObject({ recommended: false, deployedAt: null });
  });

  it("ignore failures from before the deploy, trip on a failure after it", () => {
    expect(evaluateItem(items[0]!, input({ results: [result("failed", before)] }), "production").status).toBe("passed");
    const tripped = evaluateItem(items[0]!, input({ results: [result("failed", afterDeploy)] }), "production");
    expect(tripped).toMatchObject({ status: "failed", summary: "1 of 1 matching tests failed after the deploy" });
  });

  it("a newer passing run after the deploy clears the check", () => {
    const later = new Date(afterDeploy.getTime() + 60_000);
    expect(evaluateItem(items[0]!, input({ results: [result("failed", afterDeploy), result("passed", later)] }), "production").status).toBe("passed");
  });

  it("trip when the metric condition becomes true after the deploy", () => {
    const metric = (value: number, at: Date) => ({ name: "events_per_sec", value, commitSha: SHA, environment: "production", reportedAt: at });
    expect(evaluateItem(items[1]!, input({ metrics: [metric(412, before)] }), "production").status).toBe("passed");
    expect(evaluateItem(items[1]!, input({ metrics: [metric(812, afterDeploy)] }), "production").status).toBe("passed");
    expect(evaluateItem(items[1]!, input({ metrics: [metric(412, afterDeploy)] }), "production")).toMatchObject({ status: "failed", summary: "events_per_sec 412 < 500" });
  });

  it("a reading without a value after the deploy is 'cannot tell', not 'nothing tripped', and recommends no rollback by itself", () => {
    const metrics = [
      { name: "events_per_sec", value: 812, commitSha: SHA, environment: "production", reportedAt: afterDeploy },
      { name: "events_per_sec", value: null, error: "Prometheus cannot be reached", query: "sum(x)", commitSha: SHA, environment: "production", reportedAt: new Date(afterDeploy.getTime() + 1000) },
    ];
    expect(evaluateItem(items[1]!, input({ metrics }), "production")).toMatchObject({ status: "pending", summary: "cannot tell: events_per_sec: no value from Prometheus: Prometheus cannot be reached" });
    expect(adviseRollback(input({ metrics }), "production").recommended).toBe(false);
    // Another criterion of the same item that tripped still trips it.
    const both = watch("both", { metric: { name: "events_per_sec", operator: "<", threshold: 500 }, alert: "MissingWebSocketEvents" } as Partial<GateItem>);
    const alerts = [{ name: "MissingWebSocketEvents", environment: "production", status: "firing" as const, receivedAt: afterDeploy }];
    expect(evaluateItem(both, input({ metrics, alerts }), "production").status).toBe("failed");
  });

  it("trip while the alert fires, clear once it resolves", () => {
    const alert = (status: "firing" | "resolved", at: Date) => ({ name: "MissingWebSocketEvents", environment: "production", status, receivedAt: at });
    expect(evaluateItem(items[2]!, input({ alerts: [alert("firing", afterDeploy)] }), "production").status).toBe("failed");
    const resolvedLater = [alert("firing", afterDeploy), alert("resolved", new Date(afterDeploy.getTime() + 1000))];
    expect(evaluateItem(items[2]!, input({ alerts: resolvedLater }), "production").status).toBe("passed");
    expect(evaluateItem(items[2]!, input({ alerts: [{ ...alert("firing", afterDeploy), environment: "staging" }] }), "production").status).toBe("passed");
  });

  it("recommends a rollback with every tripped criterion as a reason", () => {
    const advice = adviseRollback(
      input({ results: [result("failed", afterDeploy)], alerts: [{ name: "MissingWebSocketEvents", environment: "production", status: "firing", receivedAt: afterDeploy }] }),
      "production",
    );
    expect(advice.recommended).toBe(true);
    expect(advice.deployedAt).toEqual(deployedAt);
    expect(advice.reasons.map((r) => r.item)).toEqual(["mission-critical", "events-missing"]);
  });
});
