// One sign-in attempt with email and password: throttled, checked, counted and audited.
import { setTimeout as sleep } from "node:timers/promises";
import { checkCredentials, type SignedInUser } from "./credentials";
import { auditSignIn } from "./sign-in-audit";
import { clientAddress, normalizeEmail, recordSignInFailure, recordSignInSuccess, signInLock } from "./throttle";

type Headers = Parameters<typeof clientAddress>[0];

export class SignInLockedError extends Error {}

export async function signInWithPassword(raw: Record<string, unknown> | undefined, headers: Headers): Promise<SignedInUser | null> {
  const email = normalizeEmail(raw?.email);
  const address = clientAddress(headers);
  // The route refuses locked attempts with 429 before they get here; this covers a lock set meanwhile.
  const lock = await signInLock(email, address);
  if (lock) {
    await auditSignIn({ email, address, outcome: "failed", reason: "locked" });
    throw new SignInLockedError(lock.message);
  }
  const user = await checkCredentials(raw);
  if (user) {
    await recordSignInSuccess(email);
    await auditSignIn({ email, address, outcome: "succeeded", user });
    return user;
  }
  const delay = await recordSignInFailure(email, address);
  await auditSignIn({ email, address, outcome: "failed", reason: "wrong_credentials" });
  if (delay > 0) await sleep(delay);
  return null;
}
