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

/**
 * Counts this request; 429 with Retry-After once the caller's budget for the minute is spent.
 * Returns what is left of the budget (null for callers without one), for the RateLimit-* headers.
 */
export async function enforceRateLimit(principal: Principal, now = new Date()): Promise<RateLimitState | null> {
  const subject = rateLimitSubject(principal);
  if (!subject) return null;
  const windowStart = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  const [row] = await db().$queryRaw<{ count: number }[]>`
    INSERT INTO "RateLimitWindow" (subject, "windowStart", count) VALUES (${subject}, ${windowStart}, 1)
    ON CONFLICT (subject, "windowStart") DO UPDATE SET count = "RateLimitWindow".count + 1
    RETURNING count`;
  const limit = rateLimitPerMinute();
  const count = row?.count ?? 0;
  const resetSeconds = Math.max(1, Math.ceil((windowStart.getTime() + 60_000 - now.getTime()) / 1000));
  const state = { limit, remaining: Math.max(0, limit - count), resetSeconds };
  if (count > limit) {
    throw new AppError("rate_limited", `rate limit of ${limit} requests per minute reached; retry in ${resetSeconds} s`, undefined, { retryAfter: resetSeconds, rateLimit: state });
  }
  // Old windows are of no use; a cheap delete keeps the table small.
  if (Math.random() < 0.01) await db().rateLimitWindow.deleteMany({ where: { windowStart: { lt: new Date(now.getTime() - 3_600_000) } } });
  return state;
}
