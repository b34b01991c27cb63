// Which format a results request carries (Content-Type, or ?format= to override), parsed into
// the Shipcheck JSON contract so every format takes the same path from here on.
import { AppError } from "@/lib/errors";
import { parseCtrf } from "./ctrf";
import { parseJUnit } from "./junit";
import type { ParsedReport } from "./report";
import { resultsPayloadSchema, type ResultsPayload } from "@/lib/validation/results";

export type ResultsFormat = "json" | "junit" | "ctrf";

export function formatOf(request: Request): ResultsFormat {
  const explicit = new URL(request.url).searchParams.get("format");
  if (explicit !== null) {
    if (explicit === "json" || explicit === "junit" || explicit === "ctrf") return explicit;
    throw new AppError("bad_request", `unknown format "${explicit}": use json, junit or ctrf`);
  }
  const type = (request.headers.get("content-type") ?? "application/json").toLowerCase();
  if (/^(application|text)\/([\w.+-]+\+)?xml\b/.test(type)) return "junit";
  if (/^application\/([\w.+-]+\+)?json\b/.test(type)) return "json";
  throw new AppError("unsupported_media_type", `send results as application/json (Shipcheck JSON or CTRF with ?format=ctrf) or application/xml (JUnit), not "${type}"`);
}

function parseJsonText(text: string): unknown {
  if (text.trim() === "") throw new AppError("bad_request", "the request body is empty; send a JSON document");
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AppError("bad_request", `the request body is not valid JSON: ${(error as Error).message}`);
  }
}

/** JUnit and CTRF reports carry no envelope: environment, commit and run come as query parameters. */
function envelopeFrom(url: URL): Omit<ResultsPayload, "results"> {
  const query = (name: string) => url.searchParams.get(name) ?? undefined;
  const run = { id: query("runId"), url: query("runUrl"), startedAt: query("startedAt") };
  return {
    environment: query("environment"),
    commit: query("commit"),
    ...(run.id || run.url || run.startedAt ? { run } : {}),
  };
}

export function resultsPayloadFrom(request: Request, text: string): { payload: ResultsPayload; source: ResultsFormat } {
  const format = formatOf(request);
  if (format === "json") {
    const body = parseJsonText(text);
    // CTRF sent as plain application/json is recognised by its shape.
    if (isCtrf(body)) return fromReport(request, parseCtrf(body));
    return { payload: resultsPayloadSchema.parse(body), source: "json" };
  }
  if (text.trim() === "") throw new AppError("bad_request", `the request body is empty; send a ${format === "junit" ? "JUnit XML" : "CTRF"} report`);
  return fromReport(request, format === "junit" ? parseJUnit(text) : parseCtrf(parseJsonText(text)));
}

function isCtrf(body: unknown): boolean {
  const results = (body as { results?: unknown } | null)?.results;
  return typeof results === "object" && results !== null && !Array.isArray(results) && "tool" in results;
}

function fromReport(request: Request, report: ParsedReport): { payload: ResultsPayload; source: ResultsFormat } {
  const envelope = envelopeFrom(new URL(request.url));
  const run = envelope.run ?? (report.run?.startedAt ? { startedAt: report.run.startedAt } : undefined);
  const payload = resultsPayloadSchema.parse({
    ...envelope,
    ...(run ? { run: { ...run, startedAt: run.startedAt ?? report.run?.startedAt } } : {}),
    results: report.results,
  });
  return { payload, source: report.format };
}
