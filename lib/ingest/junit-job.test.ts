import { afterAll, describe, expect, it } from "vitest";
import type { ZodError } from "zod";
import { AppError } from "@/lib/errors";
import { invalidBody } from "@/lib/validation/wording";
import { closeMarkdownPool, importMarkdownOffThread, markdownPoolState } from "@/lib/templates/markdown-pool";
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
    expect(markdownPoolState("reports").live).toBeGreaterThan(0);
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

  it("validated there too: an envelope the schema refuses is the same 422, with the same details, as on the event loop", async () => {
    const request = () => post("?environment=staging&runUrl=not-a-url");
    const text = junit(6_000);
    let onLoop: unknown;
    try {
      resultsPayloadFrom(request(), text);
    } catch (error) {
      onLoop = invalidBody(error as ZodError);
    }
    expect(onLoop).toBeInstanceOf(AppError);
    const details = (onLoop as AppError).details;
    expect(details?.length).toBeGreaterThan(0);
    await expect(negotiateResults(request(), text)).rejects.toMatchObject({ code: "validation_failed", message: (onLoop as AppError).message, details });
  }, 60_000);

  it("in a lane of its own: a checklist import does not wait behind reports", async () => {
    // Both report threads busy with 20,000-test reports (about a second each here), four more waiting.
    let settled = 0;
    const reports = Array.from({ length: 6 }, () => negotiateResults(post(), junit(20_000)).then(() => settled++, () => settled++));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(markdownPoolState("reports").waiting).toBe(4);
    const { imported } = await importMarkdownOffThread("# Release\n\n## Before\n\n- [ ] Tests pass\n", {}, 30_000);
    const reportsDone = settled;
    await Promise.all(reports);
    expect(imported.template.sections.length).toBeGreaterThan(0);
    // Had it queued behind them, four reports would have been read first; beside them, at most the first.
    expect(reportsDone).toBeLessThan(2);
  }, 120_000);

  it("over 64 KB of XML (about 30 ms of parsing), and not below", async () => {
    await closeMarkdownPool();
    const small = junit(400);
    expect(small.length).toBeLessThan(JUNIT_OFF_THREAD_CHARS);
    await negotiateResults(post(), small);
    expect(markdownPoolState("reports").live).toBe(0);
    const large = junit(1_200);
    expect(large.length).toBeGreaterThan(JUNIT_OFF_THREAD_CHARS);
    expect(large.length).toBeLessThan(256 * 1024);
    await negotiateResults(post(), large);
    expect(markdownPoolState("reports").live).toBe(1);
  }, 60_000);

  it("reads a small report on the event loop, as before", async () => {
    const text = junit(3);
    expect(await negotiateResults(post(), text)).toEqual(resultsPayloadFrom(post(), text));
  });
});
