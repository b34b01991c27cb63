// A parsed JUnit or CTRF report in the Shipcheck JSON contract: those formats carry no envelope, so
// environment, commit and run come from the request's query. Pure, so that a worker thread can
// validate a large report where it parsed it (lib/ingest/junit-job.ts) and the event loop need not.
import { resultsPayloadSchema, type ResultsPayload } from "@/lib/validation/results";
import type { ParsedReport } from "./report";

export type NegotiatedResults = { payload: ResultsPayload; source: ParsedReport["format"] | "json"; warnings: string[] };

/** environment, commit and run (runId, runUrl, startedAt) from the query. */
export function envelopeFrom(url: URL): Omit<ResultsPayload, "results"> {
  const query = (name: string) => url.searchParams.get(name) ?? undefined;
  const run = { id: query("runId"), url: query("runUrl"), startedAt: query("startedAt") };
  return {
    environment: query("environment"),
    commit: query("commit"),
    ...(run.id || run.url || run.startedAt ? { run } : {}),
  };
}

/** The report's results in the envelope of `url`, validated as a Shipcheck JSON payload (ZodError when not). */
export function fromReport(url: string, report: ParsedReport): NegotiatedResults {
  const envelope = envelopeFrom(new URL(url));
  const run = envelope.run ?? (report.run?.startedAt ? { startedAt: report.run.startedAt } : undefined);
  const payload = resultsPayloadSchema.parse({
    ...envelope,
    ...(run ? { run: { ...run, startedAt: run.startedAt ?? report.run?.startedAt } } : {}),
    results: report.results,
  });
  return { payload, source: report.format, warnings: report.warnings };
}
