// A JUnit report read in a worker thread (lib/templates/markdown-pool.ts): XML of 20,000 test
// cases takes the parser about a second, and one of 100,000 (refused in the end) over two, all of
// it time every other request would wait. Validating the 2,000 results of a common shard took
// the event loop another 10-20 ms, so that is done here too. What crosses back is the payload
// as the event loop would have made it, or the error a report gets, as plain data.
import { ZodError } from "zod";
import { AppError, type ErrorCode, type ErrorDetail } from "@/lib/errors";
import { invalidBody } from "@/lib/validation/wording";
import { fromReport, type NegotiatedResults } from "./envelope";
import { parseJUnit } from "./junit";
import type { ParseOptions } from "./report";

/** An AppError as plain data, to cross between threads. */
type Refused = { code: ErrorCode; message: string; details?: ErrorDetail[] };

export type JUnitOutcome = { negotiated: NegotiatedResults } | { refused: Refused };

/** `url`: the request's, whose query holds the report's envelope (environment, commit, run). */
export function readJUnit(text: string, options: ParseOptions, url: string): JUnitOutcome {
  try {
    return { negotiated: fromReport(url, parseJUnit(text, options)) };
  } catch (error) {
    const refused = error instanceof ZodError ? invalidBody(error) : error;
    if (refused instanceof AppError) return { refused: { code: refused.code, message: refused.message, ...(refused.details ? { details: refused.details } : {}) } };
    throw error;
  }
}

/** The error a refused report gets, on the server's side again. */
export function refusal({ refused }: { refused: Refused }): AppError {
  return new AppError(refused.code, refused.message, refused.details);
}
