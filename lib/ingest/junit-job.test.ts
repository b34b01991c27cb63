import { afterAll, describe, expect, it } from "vitest";
import { closeMarkdownPool, markdownPoolState } from "@/lib/templates/markdown-pool";
import { parseJUnit } from "./junit";
import { JUNIT_OFF_THREAD_CHARS, negotiateResults, resultsPayloadFrom } from "./negotiate";

afterAll(() => closeMarkdownPool());

const post = (query = "?environment=staging") =>
  new Request(`http://localhost/api/v1/projects/p/releases/v/results${query}`, { method: "POST", headers: { "content-type": "application/xml" } });
const junit = (n: number) =>
  `<?xml version="1.0"?><testsuite name="bulk">${Array.from({ length: n }, (_, i) =>
    i % 97 === 0 ? `<testcase classname="tests.m${i % 10}.Case" name="test_${i}"><failure message="boom ${i}">trace</failure></testcase>` : `<testcase classname="tests.m${i % 10}.Case" name="test_${i}" time="0.01"/>`,
  ).join("\n")}</testsuite>`;

describe("a large JUnit report is read in a worker thread", () => {
  it("to the same payload as on the event loop", async () => {
    const text = junit(6_000);
    expect(text.length).toBeGreaterThan(JUNIT_OFF_THREAD_CHARS);
    const read = await negotiateResults(post(), text);
    // The worker that read it stays for the next report.
    expect(markdownPoolState().live).toBeGreaterThan(0);
    expect(read).toEqual(resultsPayloadFrom(post(), text));
    expect(read.payload.results).toHaveLength(parseJUnit(text).results.length);
    expect(read.payload.results.filter((r) => r.status === "failed")).toHaveLength(Math.ceil(6_000 / 97));
  }, 60_000);

  it("refuses as the event loop would: too many tests (413), not XML (400)", async () => {
    await expect(negotiateResults(post(), junit(20_001))).rejects.toMatchObject({ code: "payload_too_large", message: expect.stringContaining("at most 20,000 results") });
    const broken = junit(6_000).replace("</testsuite>", "");
    let onLoop: unknown;
    try {
      resultsPayloadFrom(post(), broken);
    } catch (error) {
      onLoop = error;
    }
    await expect(negotiateResults(post(), broken)).rejects.toMatchObject({ code: (onLoop as { code: string }).code, message: (onLoop as Error).message });
  }, 60_000);

  it("reads a small report on the event loop, as before", async () => {
    const text = junit(3);
    expect(await negotiateResults(post(), text)).toEqual(resultsPayloadFrom(post(), text));
  });
});
