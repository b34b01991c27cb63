// The one place API errors become HTTP responses: `{"error":{"code","message","details"?}}`.
import { ZodError } from "zod";
import { markDatabaseDown } from "@/lib/db/outage";
import { isDatabaseUnavailable } from "@/lib/db/unavailable";
import { AppError, databaseUnavailable, rateLimitHeaders } from "@/lib/errors";
import { UnknownEnvironmentError } from "@/lib/gate";
import { log } from "@/lib/log";
import { humanDetails, invalidBody } from "@/lib/validation/wording";

export function json(body: unknown, status = 200, headers?: HeadersInit): Response {
  return Response.json(body, { status, headers });
}

/** Every problem with its field's path, in words a person reads (lib/validation/wording.ts). */
export function zodDetails(error: ZodError) {
  return humanDetails(error);
}

export function errorResponse(error: unknown, requestId: string): Response {
  const appError =
    error instanceof AppError
      ? error
      : error instanceof ZodError
        ? invalidBody(error)
        : error instanceof UnknownEnvironmentError
          ? new AppError("validation_failed", error.message)
          : isDatabaseUnavailable(error)
            ? databaseUnavailable()
            : null;
  if (!appError) {
    log().error({ requestId, err: error }, "unexpected error");
    return json({ error: { code: "internal", message: "unexpected server error", requestId } }, 500);
  }
  const headers: Record<string, string> = {};
  if (appError.code === "unauthorized") headers["WWW-Authenticate"] = 'Bearer realm="shipcheck"';
  if (appError.code === "service_unavailable" && isDatabaseUnavailable(error)) markDatabaseDown(error);
  if (appError.hints.retryAfter !== undefined) headers["Retry-After"] = String(appError.hints.retryAfter);
  if (appError.hints.rateLimit) Object.assign(headers, rateLimitHeaders(appError.hints.rateLimit));
  const body = { error: { code: appError.code, message: appError.message, ...(appError.details ? { details: appError.details } : {}) } };
  return json(body, appError.status, headers);
}
