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
      // A form that shows only the message still shows every problem.
      const details = zodDetails(error);
      return { ok: false, error: { code: "validation_failed", message: details.length ? details.map((d) => d.message).join(" ") : "Something in the form is not valid.", details } };
    }
    log().error({ err: error }, "server action failed");
    return { ok: false, error: { code: "internal", message: "Something went wrong; nothing was changed. Try again." } };
  }
}
