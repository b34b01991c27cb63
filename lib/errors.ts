// Typed application errors. The API turns them into JSON in lib/http/respond.ts, the UI into messages.
export type ErrorCode =
  | "bad_request"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "payload_too_large"
  | "unsupported_media_type"
  | "validation_failed"
  | "rate_limited"
  | "service_unavailable"
  /** Only scripts/server.mjs answers this one (a method the route does not export). */
  | "method_not_allowed";

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation_failed: 422,
  rate_limited: 429,
  service_unavailable: 503,
  method_not_allowed: 405,
};

/** A caller's request budget for the current minute, as the RateLimit-* response headers say it. */
export type RateLimitState = { limit: number; remaining: number; resetSeconds: number };

/** The RateLimit-Limit, -Remaining and -Reset headers (seconds until the window ends). */
export function rateLimitHeaders(state: RateLimitState): Record<string, string> {
  return { "RateLimit-Limit": String(state.limit), "RateLimit-Remaining": String(state.remaining), "RateLimit-Reset": String(state.resetSeconds) };
}

export type ErrorDetail = { path: string; message: string; line?: number; column?: number };

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
    /** Extra HTTP facts, such as when to retry after a 429 or a 503, and the caller's budget. */
    readonly hints: { retryAfter?: number; rateLimit?: RateLimitState } = {},
  ) {
    super(message);
  }

  get status(): number {
    return STATUS[this.code];
  }
}

export const notFound = (what: string) => new AppError("not_found", `${what} not found`);
export const forbidden = (message: string) => new AppError("forbidden", message);

/** Seconds a client should wait before retrying while the database cannot be reached. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

export const databaseUnavailable = () =>
  new AppError("service_unavailable", "the database is unavailable right now; retry shortly", undefined, { retryAfter: DATABASE_RETRY_AFTER_SECONDS });
