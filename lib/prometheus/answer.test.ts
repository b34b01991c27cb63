import { describe, expect, it } from "vitest";
import { readAnswer } from "./answer";

const vector = (...values: string[]) => ({
  status: "success",
  data: { resultType: "vector", result: values.map((v, i) => ({ metric: { __name__: "ws_events_total", instance: `i${i}` }, value: [1764640000.123, v] })) },
});

describe("an instant query's answer as one reading", () => {
  it("one sample with a finite value is the value", () => {
    expect(readAnswer(vector("812.5"))).toEqual({ value: 812.5, error: null });
    expect(readAnswer(vector("-3e2"))).toEqual({ value: -300, error: null });
    expect(readAnswer(vector("0"))).toEqual({ value: 0, error: null });
    expect(readAnswer({ status: "success", data: { resultType: "scalar", result: [1764640000, "42"] } })).toEqual({ value: 42, error: null });
  });

  it("no sample is no value", () => {
    expect(readAnswer(vector())).toEqual({ value: null, error: "the query returned no sample" });
  });

  it("several series are no value, naming a few of them", () => {
    const reading = readAnswer(vector("1", "2", "3", "4"));
    expect(reading.value).toBeNull();
    expect(reading.error).toContain("4 series, expected one");
    expect(reading.error).toContain('ws_events_total{instance="i0"}');
    expect(reading.error).not.toContain("i3");
  });

  it.each(["NaN", "+Inf", "-Inf", "", " 1", "0x10", "1,5", "Infinity"])("the value %j is no value", (raw) => {
    const reading = readAnswer(vector(raw));
    expect(reading.value).toBeNull();
    expect(reading.error).toMatch(/not a finite number/);
  });

  it("Prometheus's error answer is no value, with its reason", () => {
    const reading = readAnswer({ status: "error", errorType: "bad_data", error: 'invalid parameter "query": 1:5: parse error' });
    expect(reading).toEqual({ value: null, error: 'Prometheus refused the query: bad_data: invalid parameter "query": 1:5: parse error' });
    expect(readAnswer({ status: "error", errorType: "timeout", error: "x".repeat(5_000) }).error!.length).toBeLessThanOrEqual(300);
  });

  it("a range or string result is no value", () => {
    expect(readAnswer({ status: "success", data: { resultType: "matrix", result: [] } }).error).toMatch(/returned a matrix/);
    expect(readAnswer({ status: "success", data: { resultType: "string", result: [1, "x"] } }).error).toMatch(/returned a string/);
  });

  it.each([null, 42, "success", {}, { status: "success" }, { status: "success", data: { resultType: "vector", result: [{ value: [1, 2] }] } }, { status: "success", data: { resultType: "histogram", result: [] } }])(
    "anything else (%j) is no value",
    (body) => {
      expect(readAnswer(body)).toEqual({ value: null, error: "the answer is not Prometheus's query API JSON" });
    },
  );
});
