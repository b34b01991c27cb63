import { describe, expect, it } from "vitest";
import type { GateItem } from "@/lib/gate";
import { dueQueries } from "./due";

const T = new Date("2026-12-02T10:00:00Z");
const ago = (s: number) => new Date(T.getTime() - s * 1000);
const base = { title: "t", required: true, environments: [] as string[], section: "s" };
const metric = (over: Partial<Extract<GateItem, { kind: "metric" }>> = {}): GateItem => ({ ...base, key: "m", kind: "metric", phase: "pre-deploy", metric: "ws_per_min", operator: ">=", threshold: 1, source: "prometheus", query: "sum(x)", ...over });
const watch = (over: Partial<Extract<GateItem, { kind: "watch" }>> = {}): GateItem => ({ ...base, key: "w", kind: "watch", phase: "monitoring", metric: { name: "pairing", operator: "<", threshold: 0.9, source: "prometheus", query: "sum(y)" }, ...over });
const schedule = { now: T, maxAgeMs: 60_000, watchWindowMs: 3_600_000 };
const envs = ["staging", "production"];

describe("which queries are due", () => {
  it("a metric item's query: never read, or read longer ago than the maximum age", () => {
    expect(dueQueries([metric()], envs, "c1", [], [], schedule)).toEqual([{ metric: "ws_per_min", query: "sum(x)", environment: null }]);
    expect(dueQueries([metric()], envs, "c1", [], [{ metric: "ws_per_min", environment: null, ranAt: ago(59) }], schedule)).toEqual([]);
    expect(dueQueries([metric()], envs, "c1", [], [{ metric: "ws_per_min", environment: null, ranAt: ago(60) }], schedule)).toHaveLength(1);
  });

  it("items without a query, and posted metrics, are never read", () => {
    expect(dueQueries([metric({ query: undefined, source: undefined }), watch({ metric: { name: "p", operator: "<", threshold: 1 } })], envs, "c1", [{ environment: "staging", commitSha: "c1", deployedAt: ago(5) }], [], schedule)).toEqual([]);
  });

  it("a verifyOn item is read for its environment only once the current commit is deployed there, and only after that deploy", () => {
    const item = metric({ verifyOn: "staging" });
    expect(dueQueries([item], envs, "c1", [{ environment: "staging", commitSha: "c0", deployedAt: ago(300) }], [], schedule)).toEqual([]);
    const deployed = [{ environment: "staging", commitSha: "c1", deployedAt: ago(30) }];
    expect(dueQueries([item], envs, "c1", deployed, [], schedule)).toEqual([{ metric: "ws_per_min", query: "sum(x)", environment: "staging" }]);
    expect(dueQueries([item], envs, "c1", deployed, [{ metric: "ws_per_min", environment: "staging", ranAt: ago(40) }], schedule)).toHaveLength(1);
    expect(dueQueries([item], envs, "c1", deployed, [{ metric: "ws_per_min", environment: "staging", ranAt: ago(10) }], schedule)).toEqual([]);
  });

  it("a watch item is read per environment deployed to, within the window after the latest deploy, and again after a new deploy", () => {
    const deployed = [{ environment: "production", commitSha: "c1", deployedAt: ago(120) }];
    expect(dueQueries([watch()], envs, "c1", [], [], schedule)).toEqual([]);
    expect(dueQueries([watch()], envs, "c1", deployed, [], schedule)).toEqual([{ metric: "pairing", query: "sum(y)", environment: "production" }]);
    expect(dueQueries([watch()], envs, "c1", deployed, [{ metric: "pairing", environment: "production", ranAt: ago(10) }], schedule)).toEqual([]);
    const redeployed = [...deployed, { environment: "production", commitSha: "c1", deployedAt: ago(5) }];
    expect(dueQueries([watch()], envs, "c1", redeployed, [{ metric: "pairing", environment: "production", ranAt: ago(10) }], schedule)).toHaveLength(1);
    expect(dueQueries([watch()], envs, "c1", [{ environment: "production", commitSha: "c1", deployedAt: ago(3_601) }], [], schedule)).toEqual([]);
    expect(dueQueries([watch({ environments: ["staging"] })], envs, "c1", deployed, [], schedule)).toEqual([]);
  });

  it("two items naming one metric run its query once", () => {
    expect(dueQueries([metric(), metric({ key: "m2" })], envs, "c1", [], [], schedule)).toHaveLength(1);
  });
});
