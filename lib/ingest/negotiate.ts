// Which format a results request carries (Content-Type, or ?format= to override), parsed into
// the Shipcheck JSON contract so every format takes the same path from here on.
import { AppError } from "@/lib/errors";
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

export function resultsPayloadFrom(request: Request, text: string): { payload: ResultsPayload; source: ResultsFormat } {
  const format = formatOf(request);
  if (format === "json") return { payload: resultsPayloadSchema.parse(parseJsonText(text)), source: "json" };
  throw new AppError("unsupported_media_type", `${format} reports are not accepted yet`);
}
