// The one place server-action errors become something a form can show, and where every
// server action's Origin is checked before any work is done.
import { ZodError } from "zod";
import { assertActionOrigin } from "@/lib/auth/request";
import { AppError, type ErrorCode, type ErrorDetail } from "@/lib/errors";
import { zodDetails } from "./respond";
import { log } from "@/lib/log";

export type ActionResult<T = undefined> =
  | { ok: true; value: T }
  | { ok: false; error: { code: ErrorCode | "internal"; message: string; details?: ErrorDetail[] } };

export async function runAction<T>(work: () => Promise<T>): Promise<ActionResult<T>> {
  try {
    await assertActionOrigin();
    return { ok: true, value: await work() };
  } catch (error) {
    if (error instanceof AppError) return { ok: false, error: { code: error.code, message: error.message, details: error.details } };
    if (error instanceof ZodError) {
      // Every problem goes back, so a form can show them all at once beside their fields.
      const details = zodDetails(error);
      const first = details[0];
      return { ok: false, error: { code: "validation_failed", message: first ? `${first.path}: ${first.message}` : "invalid input", details } };
    }
    log().error({ err: error }, "server action failed");
    return { ok: false, error: { code: "internal", message: "Something went wrong; nothing was changed. Try again." } };
  }
}
