// Per-caller request budget per minute, counted in PostgreSQL so every app instance shares it.
import type { Principal } from "@/lib/auth/principal";
import { db } from "@/lib/db/client";
import { AppError, type RateLimitState } from "@/lib/errors";

const DEFAULT_PER_MINUTE = 600;

export function rateLimitPerMinute(): number {
  const configured = Number(process.env.SHIPCHECK_RATE_LIMIT_PER_MINUTE);
  return Number.isInteger(configured) && configured > 0 ? configured : DEFAULT_PER_MINUTE;
}

export function rateLimitSubject(principal: Principal): string | null {
  if (principal.kind === "token") return `token:${principal.token.id}`;
  if (principal.kind === "user") return `user:${principal.user.id}`;
  return null;
}

/** The start of the minute-long window that `now` falls in. */
export function rateLimitWindow(now: Date): Date {
  return new Date(Math.floor(now.getTime() / 60_000) * 60_000);
}

/**
 * What is left of the budget after the caller's `count`-th request in the window; 429 with
 * Retry-After once the budget for the minute is spent.
 */
function judgeRateLimit(count: number, now: Date): RateLimitState {
  const windowStart = rateLimitWindow(now);
  const limit = rateLimitPerMinute();
  const resetSeconds = Math.max(1, Math.ceil((windowStart.getTime() + 60_000 - now.getTime()) / 1000));
  const state = { limit, remaining: Math.max(0, limit - count), resetSeconds };
  if (count > limit) {
    throw new AppError("rate_limited", `rate limit of ${limit} requests per minute reached; retry in ${resetSeconds} s`, undefined, { retryAfter: resetSeconds, rateLimit: state });
  }
  return state;
}

/**
 * Counts this request; 429 with Retry-After once the caller's budget for the minute is spent.
 * Returns what is left of the budget (null for callers without one), for the RateLimit-* headers.
 * (A token's request is usually counted as it is authenticated: authenticateCounted.)
 */
export async function enforceRateLimit(principal: Principal, now = new Date()): Promise<RateLimitState | null> {
  const subject = rateLimitSubject(principal);
  if (!subject) return null;
  const windowStart = rateLimitWindow(now);
  const [row] = await db().$queryRaw<{ count: number }[]>`
    INSERT INTO "RateLimitWindow" (subject, "windowStart", count) VALUES (${subject}, ${windowStart}, 1)
    ON CONFLICT (subject, "windowStart") DO UPDATE SET count = "RateLimitWindow".count + 1
    RETURNING count`;
  return counted(row?.count ?? 0, now);
}

/** The verdict on a request already counted (`count` in its window), and now and then a clean-up. */
export async function counted(count: number, now: Date): Promise<RateLimitState> {
  const state = judgeRateLimit(count, now);
  // Old windows are of no use; a cheap delete keeps the table small.
  if (Math.random() < 0.01) await db().rateLimitWindow.deleteMany({ where: { windowStart: { lt: new Date(now.getTime() - 3_600_000) } } });
  return state;
}
