import { afterEach, describe, expect, it, vi } from "vitest";
import { clientAddress, failureDelayMs, throttleConfig } from "./throttle";

afterEach(() => vi.unstubAllEnvs());

describe("sign-in throttle rules", () => {
  it("defaults: 3 free failures per account, then 250 ms doubling up to 5 s, lock after 10 for 15 minutes", () => {
    for (const name of ["ACCOUNT_FREE_FAILURES", "ACCOUNT_LOCK_AFTER", "ADDRESS_FREE_FAILURES", "ADDRESS_LOCK_AFTER", "DELAY_MS", "MAX_DELAY_MS", "LOCK_SECONDS"]) vi.stubEnv(`SHIPCHECK_SIGNIN_${name}`, "");
    const config = throttleConfig();
    expect(config).toMatchObject({ accountFreeFailures: 3, accountLockAfter: 10, addressFreeFailures: 10, addressLockAfter: 50, delayMs: 250, maxDelayMs: 5000, lockSeconds: 900 });
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 20].map((n) => failureDelayMs(n, config.accountFreeFailures, config))).toEqual([0, 0, 0, 250, 500, 1000, 2000, 4000, 5000, 5000]);
  });

  it("reads its limits from the environment, ignoring values that are not whole numbers", () => {
    vi.stubEnv("SHIPCHECK_SIGNIN_LOCK_SECONDS", "3");
    vi.stubEnv("SHIPCHECK_SIGNIN_ACCOUNT_LOCK_AFTER", "five");
    vi.stubEnv("SHIPCHECK_SIGNIN_DELAY_MS", "0");
    expect(throttleConfig()).toMatchObject({ lockSeconds: 3, accountLockAfter: 10, delayMs: 0 });
  });

  it("never takes the client address from a header a client can send", () => {
    vi.stubEnv("SHIPCHECK_PEER_TOKEN", "t0ken");
    expect(clientAddress(new Headers({ "x-forwarded-for": "203.0.113.7", "x-real-ip": "198.51.100.2" }))).toBe("unknown");
    expect(clientAddress(new Headers({ "x-shipcheck-peer": "t0ken 192.0.2.9", "x-forwarded-for": "203.0.113.7" }))).toBe("192.0.2.9");
    expect(clientAddress({})).toBe("unknown");
  });
});
