// When a failed delivery is tried again: exponential backoff with jitter, capped, until the
// attempts cover at least a day; then it is marked failed (and can still be redelivered).
// SHIPCHECK_NOTIFY_RETRY_BASE_MS, SHIPCHECK_NOTIFY_RETRY_MAX_MS and SHIPCHECK_NOTIFY_MAX_TRIES
// change the schedule (tests use a tiny one); README "Notifications" documents them.
export type RetrySchedule = { baseMs: number; maxMs: number; maxTries: number };

const positive = (value: string | undefined, fallback: number) => {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : fallback;
};

/** Default: 30 s, 1 min, 2 min … capped at 4 h; 16 tries span about 33 hours. */
export function retrySchedule(env: Record<string, string | undefined> = process.env): RetrySchedule {
  return {
    baseMs: positive(env.SHIPCHECK_NOTIFY_RETRY_BASE_MS, 30_000),
    maxMs: positive(env.SHIPCHECK_NOTIFY_RETRY_MAX_MS, 4 * 3_600_000),
    maxTries: Math.floor(positive(env.SHIPCHECK_NOTIFY_MAX_TRIES, 16)),
  };
}

/** Delay before the next try after `tries` failed ones; null when it is time to give up. */
export function nextRetryDelay(tries: number, schedule: RetrySchedule, random: () => number = Math.random): number | null {
  if (tries >= schedule.maxTries) return null;
  const exact = Math.min(schedule.maxMs, schedule.baseMs * 2 ** Math.max(0, tries - 1));
  // ±20 %: instances and endpoints that failed together do not all come back at the same moment.
  return Math.round(exact * (0.8 + 0.4 * random()));
}

/** The longest the whole schedule can take without jitter: what "at least a day" is checked against. */
export function scheduleSpanMs(schedule: RetrySchedule): number {
  let total = 0;
  for (let tries = 1; tries < schedule.maxTries; tries++) total += Math.min(schedule.maxMs, schedule.baseMs * 2 ** (tries - 1));
  return total;
}
