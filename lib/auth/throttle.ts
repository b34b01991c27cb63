// Sign-in throttling, per account (the email tried, known or not) and per client address:
// after a few failures each further failure is answered only after a growing delay, and after
// too many the key is locked for a while (429 with a message). Counted in PostgreSQL so every app
// instance shares it. A successful sign-in resets the account's count; an address's count only
// runs out with time, so one valid account cannot be used to clear an address guessing others.
import { db } from "@/lib/db/client";
import { clientAddressFrom } from "@/lib/http/client-address";

export type ThrottleConfig = {
  /** Failures of an account before delays start. */
  accountFreeFailures: number;
  /** Failures of an account (within the window) that lock it. */
  accountLockAfter: number;
  addressFreeFailures: number;
  addressLockAfter: number;
  /** The first delay; each further failure doubles it, up to maxDelayMs. */
  delayMs: number;
  maxDelayMs: number;
  /** How long a lock lasts, and how long failures are remembered. */
  lockSeconds: number;
};

function envInt(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return process.env[name] !== undefined && process.env[name] !== "" && Number.isInteger(value) && value >= 0 ? value : fallback;
}

export function throttleConfig(): ThrottleConfig {
  return {
    accountFreeFailures: envInt("SHIPCHECK_SIGNIN_ACCOUNT_FREE_FAILURES", 3),
    accountLockAfter: Math.max(1, envInt("SHIPCHECK_SIGNIN_ACCOUNT_LOCK_AFTER", 10)),
    addressFreeFailures: envInt("SHIPCHECK_SIGNIN_ADDRESS_FREE_FAILURES", 10),
    addressLockAfter: Math.max(1, envInt("SHIPCHECK_SIGNIN_ADDRESS_LOCK_AFTER", 50)),
    delayMs: envInt("SHIPCHECK_SIGNIN_DELAY_MS", 250),
    maxDelayMs: envInt("SHIPCHECK_SIGNIN_MAX_DELAY_MS", 5_000),
    lockSeconds: Math.max(1, envInt("SHIPCHECK_SIGNIN_LOCK_SECONDS", 900)),
  };
}

/** The delay before answering the n-th failure in a row: none for the first `free` ones, then doubling. */
export function failureDelayMs(failures: number, free: number, config: ThrottleConfig): number {
  if (failures <= free) return 0;
  return Math.min(config.maxDelayMs, config.delayMs * 2 ** Math.min(failures - free - 1, 30));
}

type HeaderBag = Parameters<typeof clientAddressFrom>[0];

/** No address known at all (the request did not come through scripts/server.mjs): not counted, or every such client would share one lock. */
export const UNKNOWN_ADDRESS = "unknown";

/** The client's address (lib/http/client-address.ts): a header a client sends cannot change it. */
export function clientAddress(headers: HeaderBag | undefined): string {
  return clientAddressFrom(headers) ?? UNKNOWN_ADDRESS;
}

export function normalizeEmail(value: unknown): string {
  return typeof value === "string" ? value.trim().toLowerCase().slice(0, 320) : "";
}

const keys = (email: string, address: string) => ({ account: `account:${email}`, address: `address:${address}` });

export type SignInLock = { scope: "account" | "address"; retryAfter: number; message: string };

/** A lock in force for this account or address, if any. */
export async function signInLock(email: string, address: string, now = new Date()): Promise<SignInLock | null> {
  const k = keys(email, address);
  const watched = address === UNKNOWN_ADDRESS ? [k.account] : [k.account, k.address];
  const rows = await db().signInThrottle.findMany({ where: { key: { in: watched }, lockedUntil: { gt: now } } });
  const row = rows.sort((a, b) => b.lockedUntil!.getTime() - a.lockedUntil!.getTime())[0];
  if (!row) return null;
  const retryAfter = Math.max(1, Math.ceil((row.lockedUntil!.getTime() - now.getTime()) / 1000));
  const scope = row.key === k.account ? "account" : "address";
  const what = scope === "account" ? "this account" : "your network address";
  return { scope, retryAfter, message: `Too many failed sign-ins for ${what}. Sign-in is locked; try again in ${waitWords(retryAfter)}.` };
}

/** "40 seconds", "15 minutes": how long a lock still lasts, for messages. */
export function waitWords(retryAfter: number): string {
  return retryAfter >= 120 ? `${Math.ceil(retryAfter / 60)} minutes` : `${retryAfter} seconds`;
}

/** Counts one failure of the key; returns its count, or null when this failure locked the key. */
async function countFailure(key: string, lockAfter: number, config: ThrottleConfig, now: Date): Promise<number | null> {
  const forgetBefore = new Date(now.getTime() - config.lockSeconds * 1000);
  const [row] = await db().$queryRaw<{ failures: number }[]>`
    INSERT INTO "SignInThrottle" (key, failures, "lastFailureAt") VALUES (${key}, 1, ${now})
    ON CONFLICT (key) DO UPDATE SET
      failures = CASE WHEN "SignInThrottle"."lastFailureAt" < ${forgetBefore} THEN 1 ELSE "SignInThrottle".failures + 1 END,
      "lastFailureAt" = ${now}
    RETURNING failures`;
  const failures = row?.failures ?? 1;
  if (failures >= lockAfter) {
    // Locked: the count starts again once the lock has run out.
    await db().signInThrottle.update({ where: { key }, data: { failures: 0, lockedUntil: new Date(now.getTime() + config.lockSeconds * 1000) } });
    return null;
  }
  return failures;
}

/** Counts a failed sign-in; returns how long to wait before answering it (not at all once it locked). */
export async function recordSignInFailure(email: string, address: string, now = new Date()): Promise<number> {
  const config = throttleConfig();
  const k = keys(email, address);
  const account = await countFailure(k.account, config.accountLockAfter, config, now);
  // An unknown address is no one in particular: the account's count still holds.
  const byAddress = address === UNKNOWN_ADDRESS ? 0 : await countFailure(k.address, config.addressLockAfter, config, now);
  if (account === null || byAddress === null) return 0;
  return Math.max(failureDelayMs(account, config.accountFreeFailures, config), failureDelayMs(byAddress, config.addressFreeFailures, config));
}

export async function recordSignInSuccess(email: string): Promise<void> {
  await db().signInThrottle.deleteMany({ where: { key: `account:${email}` } });
  // Keys not failed for a day are of no use; a cheap delete keeps the table small.
  if (Math.random() < 0.01) {
    await db().signInThrottle.deleteMany({ where: { lastFailureAt: { lt: new Date(Date.now() - 86_400_000) }, OR: [{ lockedUntil: null }, { lockedUntil: { lt: new Date() } }] } });
  }
}
