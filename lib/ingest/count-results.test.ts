import { afterAll, describe, expect, it } from "vitest";
import { closeMarkdownPool, markdownPoolState } from "@/lib/templates/markdown-pool";
import { countResults } from "./count-results";
import { SCREEN_ABOVE_CHARS, screenLargeReport } from "./negotiate";

afterAll(() => closeMarkdownPool());

const post = (query = "") => new Request(`http://localhost/api/v1/projects/p/releases/v/results${query}`, { method: "POST", headers: { "content-type": "application/json" } });
const shipcheck = (n: number) => JSON.stringify({ environment: "staging", results: Array.from({ length: n }, (_, i) => ({ key: `tests/bulk/test_${i}.py::test_case`, status: "passed" })) });

describe("countResults", () => {
  it("counts Shipcheck JSON's results and CTRF's tests; other shapes are left to validation", () => {
    expect(countResults(shipcheck(3))).toEqual({ count: 3 });
    expect(countResults(JSON.stringify({ results: { tool: { name: "jest" }, tests: [{}, {}] } }))).toEqual({ count: 2 });
    expect(countResults(JSON.stringify({ results: "many" }))).toEqual({ count: null });
    expect(countResults("null")).toEqual({ count: null });
    expect(countResults('{"results": [')).toHaveProperty("invalid");
  });
});

describe("screenLargeReport", () => {
  it("refuses a large report of too many results with 413 naming its count, read in a worker thread", async () => {
    const text = shipcheck(100_000);
    expect(text.length).toBeGreaterThan(SCREEN_ABOVE_CHARS);
    await expect(screenLargeReport(post(), text)).rejects.toMatchObject({ code: "payload_too_large", message: expect.stringContaining("this one has 100,000") });
    expect(markdownPoolState("reports").live).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it("refuses large text that is not JSON with 400, and lets a large report within the limit through", async () => {
    const broken = shipcheck(40_000).slice(0, -2);
    await expect(screenLargeReport(post(), broken)).rejects.toMatchObject({ code: "bad_request", message: expect.stringContaining("not valid JSON") });
    const fits = JSON.stringify({ results: Array.from({ length: 20_000 }, (_, i) => ({ key: `tests/${"x".repeat(100)}/test_${i}`, status: "passed" })) });
    expect(fits.length).toBeGreaterThan(SCREEN_ABOVE_CHARS);
    await expect(screenLargeReport(post(), fits)).resolves.toBeUndefined();
  }, 60_000);

  it("leaves small reports and JUnit XML to the usual path, without a worker", async () => {
    await expect(screenLargeReport(post(), "{ not json")).resolves.toBeUndefined();
    await expect(screenLargeReport(post("?format=junit"), "x".repeat(SCREEN_ABOVE_CHARS + 1))).resolves.toBeUndefined();
  });
});
