import { describe, expect, it } from "vitest";
import { nextRetryDelay, retrySchedule, scheduleSpanMs } from "./retry";

describe("the retry schedule", () => {
  const schedule = retrySchedule({});

  it("doubles from the base, with at most 20 % jitter, up to the cap", () => {
    expect(nextRetryDelay(1, schedule, () => 0.5)).toBe(30_000);
    expect(nextRetryDelay(2, schedule, () => 0.5)).toBe(60_000);
    expect(nextRetryDelay(3, schedule, () => 0)).toBe(96_000);
    expect(nextRetryDelay(3, schedule, () => 1)).toBe(144_000);
    expect(nextRetryDelay(14, schedule, () => 0.5)).toBe(4 * 3_600_000);
  });

  it("keeps trying for more than a day by default, then gives up", () => {
    expect(scheduleSpanMs(schedule)).toBeGreaterThan(24 * 3_600_000);
    expect(nextRetryDelay(schedule.maxTries - 1, schedule)).not.toBeNull();
    expect(nextRetryDelay(schedule.maxTries, schedule)).toBeNull();
  });

  it("reads its numbers from the environment, ignoring nonsense", () => {
    expect(retrySchedule({ SHIPCHECK_NOTIFY_RETRY_BASE_MS: "100", SHIPCHECK_NOTIFY_RETRY_MAX_MS: "800", SHIPCHECK_NOTIFY_MAX_TRIES: "5" })).toEqual({ baseMs: 100, maxMs: 800, maxTries: 5 });
    expect(retrySchedule({ SHIPCHECK_NOTIFY_RETRY_BASE_MS: "soon" }).baseMs).toBe(30_000);
  });
});
