// withRetries: backoff, Retry-After, bounded attempts and total wait, and what is not retried.
import { describe, expect, it } from "vitest";
import { ApiError } from "./api-client";
import { RETRYABLE_STATUSES, retryPolicyFromEnv, withRetries } from "./retry";

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
  return { waits, sleep: async (ms: number) => void waits.push(ms / 1000), log: () => undefined };
}

describe("withRetries", () => {
  it("retries no answer, 500, 502, 503 and 504 with exponential backoff, then succeeds", async () => {
    const { send, calls } = failing([0, 500, 502, 503]);
    const r = recorder();
    expect(await withRetries(send, retryPolicyFromEnv({}), r)).toBe("ok");
    expect(calls.length).toBe(5);
    expect(r.waits).toEqual([1, 2, 4, 8]);
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
