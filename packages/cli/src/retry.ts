// Retrying the API while Shipcheck or its database is briefly away (a restart, a deploy, a lost
// connection): no answer, 500, 502, 503, 504 and 429 are retried with exponential backoff and
// jitter (about 1 s, 2 s, 4 s, …, at most 30 s at a time) or after the server's Retry-After,
// within a bounded number of attempts and total waiting time.
//
//   SHIPCHECK_RETRY_ATTEMPTS     attempts in all, first one included (default 5; 1 = no retry)
//   SHIPCHECK_RETRY_MAX_SECONDS  total time spent waiting between attempts (default 120)
import { ApiError } from "./api-client";
import { CliError } from "./errors";

export type RetryPolicy = { attempts: number; maxWaitSeconds: number; retryable: ReadonlySet<number> };

/** 0 is "no answer" (connection refused or reset, timeout). */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([0, 429, 500, 502, 503, 504]);

const DEFAULT_ATTEMPTS = 5;
const DEFAULT_MAX_WAIT_SECONDS = 120;
const MAX_SINGLE_WAIT_SECONDS = 30;

type Env = Record<string, string | undefined>;

export function retryPolicyFromEnv(env: Env = process.env, retryable: ReadonlySet<number> = RETRYABLE_STATUSES): RetryPolicy {
  return {
    attempts: Math.max(1, Math.floor(number(env, "SHIPCHECK_RETRY_ATTEMPTS", DEFAULT_ATTEMPTS))),
    maxWaitSeconds: Math.max(0, number(env, "SHIPCHECK_RETRY_MAX_SECONDS", DEFAULT_MAX_WAIT_SECONDS)),
    retryable,
  };
}

function number(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new CliError(`${name} must be a non-negative number, got "${raw}"`);
  return value;
}

/**
 * The wait before attempt `attempt + 1`, in seconds. The server's Retry-After is honoured as
 * given (it knows when it will be back). Otherwise 2^(attempt-1) s, capped, and drawn from its
 * upper half (`random` in [0, 1)): pipelines that failed together don't all come back at once.
 */
export function backoffSeconds(attempt: number, retryAfter: number | null, random: () => number = Math.random): number {
  if (retryAfter !== null) return Math.min(Math.max(retryAfter, 0.1), MAX_SINGLE_WAIT_SECONDS);
  const ceiling = Math.min(2 ** (attempt - 1), MAX_SINGLE_WAIT_SECONDS);
  return round(ceiling / 2 + (ceiling / 2) * random());
}

const round = (seconds: number) => Math.round(seconds * 10) / 10;

export type RetryOptions = { note?: string; log?: (line: string) => void; sleep?: (ms: number) => Promise<void>; random?: () => number };

export async function withRetries<T>(send: () => Promise<T>, policy: RetryPolicy, options: RetryOptions = {}): Promise<T> {
  const log = options.log ?? ((line: string) => console.error(line));
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let waited = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      if (!(error instanceof ApiError) || !policy.retryable.has(error.status) || attempt >= policy.attempts) throw error;
      const wait = round(Math.min(backoffSeconds(attempt, error.retryAfter, options.random), policy.maxWaitSeconds - waited));
      if (wait <= 0) throw error;
      log(`shipcheck: ${error.message}; retrying in ${wait} s (attempt ${attempt + 1} of ${policy.attempts}${options.note ? `, ${options.note}` : ""})`);
      await sleep(wait * 1000);
      waited += wait;
    }
  }
}
