// The producer's clock orders runs ("the latest run wins"), but only within bounds: a start time
// from the future would be "the latest run" for good and hide every later real failure.
import { AppError } from "@/lib/errors";

/** How far a producer's clock may run ahead of Shipcheck's. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;
const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** Why a run start cannot be accepted, or null when it can. */
export function runStartProblem(startedAt: Date, now: Date = new Date()): string | null {
  const time = startedAt.getTime();
  if (Number.isNaN(time)) return "is not a valid time";
  if (time < EARLIEST || time > LATEST) return `${startedAt.toISOString()} is outside the years 1970 to 9999`;
  if (time > now.getTime() + MAX_CLOCK_SKEW_MS) {
    return `${startedAt.toISOString()} is more than ${MAX_CLOCK_SKEW_MS / 60_000} minutes after Shipcheck received it (${now.toISOString()}): check the clock of the machine that ran the tests`;
  }
  return null;
}

/** Refuses (422) a run start the gate could not trust; nothing is stored. */
export function assertRunStart(raw: string | undefined, now: Date = new Date()): Date | null {
  if (raw === undefined) return null;
  const startedAt = new Date(raw);
  const problem = runStartProblem(startedAt, now);
  if (problem) throw new AppError("validation_failed", `run.startedAt ${problem}`, [{ path: "run.startedAt", message: problem }]);
  return startedAt;
}
