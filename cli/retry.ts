// Retrying the API while Shipcheck or its database is briefly away: no answer, 500, 502, 503,
// 504 and 429 are retried with exponential backoff (1 s, 2 s, 4 s, … or the server's
// Retry-After), within a bounded number of attempts and total waiting time.
//
//   SHIPCHECK_RETRY_ATTEMPTS     attempts in all, first one included (default 5; 1 = no retry)
//   SHIPCHECK_RETRY_MAX_SECONDS  total time spent waiting between attempts (default 120)
import { ApiError } from "./api-client";
import { CliError } from "./output";

export type RetryPolicy = { attempts: number; maxWaitSeconds: number; retryable: ReadonlySet<number> };

/** 0 is "no answer" (connection refused or reset, timeout). */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([0, 429, 500, 502, 503, 504]);

const DEFAULT_ATTEMPTS = 5;
const DEFAULT_MAX_WAIT_SECONDS = 120;
const MAX_SINGLE_WAIT_SECONDS = 30;

export function retryPolicyFromEnv(env: Record<string, string | undefined> = process.env, retryable: ReadonlySet<number> = RETRYABLE_STATUSES): RetryPolicy {
  return {
    attempts: Math.max(1, Math.floor(number(env, "SHIPCHECK_RETRY_ATTEMPTS", DEFAULT_ATTEMPTS))),
    maxWaitSeconds: Math.max(0, number(env, "SHIPCHECK_RETRY_MAX_SECONDS", DEFAULT_MAX_WAIT_SECONDS)),
    retryable,
  };
}

function number(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new CliError(`${name} must be a non-negative number, got "${raw}"`);
  return value;
}

/** The wait before attempt `attempt + 1`: Retry-After when given, else 2^(attempt-1) s, capped. */
export function backoffSeconds(attempt: number, retryAfter: number | null): number {
  return Math.min(retryAfter ?? 2 ** (attempt - 1), MAX_SINGLE_WAIT_SECONDS);
}

export async function withRetries<T>(
  send: () => Promise<T>,
  policy: RetryPolicy,
  options: { note?: string; log?: (line: string) => void; sleep?: (ms: number) => Promise<void> } = {},
): Promise<T> {
  const log = options.log ?? ((line: string) => console.error(line));
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let waited = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      if (!(error instanceof ApiError) || !policy.retryable.has(error.status) || attempt >= policy.attempts) throw error;
      const wait = Math.min(backoffSeconds(attempt, error.retryAfter), policy.maxWaitSeconds - waited);
      if (wait <= 0) throw error;
      log(`shipcheck: ${error.message}; retrying in ${wait} s (attempt ${attempt + 1} of ${policy.attempts}${options.note ? `, ${options.note}` : ""})`);
      await sleep(wait * 1000);
      waited += wait;
    }
  }
}
