// A JUnit report read in a worker thread (lib/templates/markdown-pool.ts): XML of 20,000 test
// cases takes the parser about a second, and one of 100,000 (refused in the end) over two, all of
// it time every other request would wait. What crosses back is the parsed report, or the error a
// report gets, as plain data.
import { AppError, type ErrorCode, type ErrorDetail } from "@/lib/errors";
import { parseJUnit } from "./junit";
import type { ParsedReport, ParseOptions } from "./report";

export type JUnitOutcome = { report: ParsedReport } | { refused: { code: ErrorCode; message: string; details?: ErrorDetail[] } };

export function readJUnit(text: string, options: ParseOptions): JUnitOutcome {
  try {
    return { report: parseJUnit(text, options) };
  } catch (error) {
    if (error instanceof AppError) return { refused: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } };
    throw error;
  }
}

/** The error a refused report gets, on the server's side again. */
export function refusal({ refused }: { refused: { code: ErrorCode; message: string; details?: ErrorDetail[] } }): AppError {
  return new AppError(refused.code, refused.message, refused.details);
}
