// withRetries: backoff with jitter, Retry-After, bounded attempts and total wait, and what is not retried.
import { describe, expect, it } from "vitest";
import { ApiError, retryAfterSeconds } from "./api-client";
import { backoffSeconds, RETRYABLE_STATUSES, retryPolicyFromEnv, withRetries } from "./retry";

function failing(statuses: (number | [number, number])[], then = "ok") {
  const calls: number[] = [];
  const send = async () => {
    calls.push(calls.length + 1);
    const next = statuses.shift();
    if (next === undefined) return then;
    const [status, retryAfter] = Array.isArray(next) ? next : [next, null];
    throw new ApiError(`HTTP ${status}`, status, retryAfter);
  };
  return { send, calls };
}

function recorder() {
  const waits: number[] = [];
  // random() = 1 - ε: the top of each backoff window, so waits are the plain powers of two.
  return { waits, sleep: async (ms: number) => void waits.push(ms / 1000), log: () => undefined, random: () => 0.9999 };
}

describe("withRetries", () => {
  it("retries no answer, 500, 502, 503 and 504 with exponential backoff, then succeeds", async () => {
    const { send, calls } = failing([0, 500, 502, 503]);
    const r = recorder();
    expect(await withRetries(send, retryPolicyFromEnv({}), r)).toBe("ok");
    expect(calls.length).toBe(5);
    expect(r.waits).toEqual([1, 2, 4, 8]);
  });

  it("draws each backoff from the upper half of its window, so failed pipelines don't return in step", () => {
    expect(backoffSeconds(1, null, () => 0)).toBe(0.5);
    expect(backoffSeconds(3, null, () => 0)).toBe(2);
    expect(backoffSeconds(3, null, () => 0.5)).toBe(3);
    expect(backoffSeconds(3, null, () => 0.9999)).toBe(4);
    expect(backoffSeconds(10, null, () => 0.9999)).toBe(30);
    const draws = new Set(Array.from({ length: 50 }, () => backoffSeconds(4, null)));
    expect(draws.size).toBeGreaterThan(5);
    for (const d of draws) {
      expect(d).toBeGreaterThanOrEqual(4);
      expect(d).toBeLessThanOrEqual(8);
    }
    // The server's Retry-After is not jittered below what it asked for.
    expect(backoffSeconds(1, 7, () => 0)).toBe(7);
  });

  it("reads Retry-After as seconds or an HTTP date", () => {
    expect(retryAfterSeconds(new Headers({ "retry-after": "5" }))).toBe(5);
    const now = Date.parse("2026-12-01T10:00:00Z");
    expect(retryAfterSeconds(new Headers({ "retry-after": "Tue, 01 Dec 2026 10:00:12 GMT" }), now)).toBe(12);
    expect(retryAfterSeconds(new Headers({ "retry-after": "soon" }))).toBeNull();
    expect(retryAfterSeconds(new Headers())).toBeNull();
  });

  it("honours Retry-After", async () => {
    const { send } = failing([[503, 5], [429, 3]]);
    const r = recorder();
    await withRetries(send, retryPolicyFromEnv({}), r);
    expect(r.waits).toEqual([5, 3]);
  });

  it("gives up after SHIPCHECK_RETRY_ATTEMPTS attempts with the last error", async () => {
    const { send, calls } = failing([503, 503, 503, 503]);
    const r = recorder();
    await expect(withRetries(send, retryPolicyFromEnv({ SHIPCHECK_RETRY_ATTEMPTS: "3" }), r)).rejects.toMatchObject({ status: 503 });
    expect(calls.length).toBe(3);
  });

  it("never waits longer in all than SHIPCHECK_RETRY_MAX_SECONDS", async () => {
    const { send } = failing([[503, 30], [503, 30], [503, 30]]);
    const r = recorder();
    await expect(withRetries(send, retryPolicyFromEnv({ SHIPCHECK_RETRY_MAX_SECONDS: "40" }), r)).rejects.toMatchObject({ status: 503 });
    expect(r.waits).toEqual([30, 10]);
  });

  it("does not retry client errors, or errors that are not the API's", async () => {
    for (const status of [400, 401, 403, 404, 409, 422]) {
      const { send, calls } = failing([status]);
      await expect(withRetries(send, retryPolicyFromEnv({}), recorder())).rejects.toMatchObject({ status });
      expect(calls.length).toBe(1);
    }
    let calls = 0;
    const bug = async () => {
      calls++;
      throw new TypeError("x");
    };
    await expect(withRetries(bug, retryPolicyFromEnv({}), recorder())).rejects.toThrow(TypeError);
    expect(calls).toBe(1);
  });

  it("retries 409 only when asked to (report: the same key still being processed)", async () => {
    const { send } = failing([409]);
    expect(await withRetries(send, retryPolicyFromEnv({}, new Set([...RETRYABLE_STATUSES, 409])), recorder())).toBe("ok");
  });

  it("refuses a setting that is not a number", () => {
    expect(() => retryPolicyFromEnv({ SHIPCHECK_RETRY_ATTEMPTS: "many" })).toThrow(/SHIPCHECK_RETRY_ATTEMPTS/);
  });
});
