// A person changes their own password: they prove the current one (throttled together with
// sign-in, so a stolen session cannot guess it faster than the sign-in page allows), and every
// other session of theirs ends. The caller re-issues the changing session's cookie with the new
// session version it gets back. Audited either way; the passwords themselves never are.
import { setTimeout as sleep } from "node:timers/promises";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import type { UserPrincipal } from "@/lib/auth/principal";
import { normalizeEmail, recordSignInFailure, recordSignInSuccess, signInLock, UNKNOWN_ADDRESS, waitWords } from "@/lib/auth/throttle";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { changePasswordSchema } from "@/lib/validation/account";
import { recordAudit } from "./audit";
import type { ServerContext } from "./context";

export type PasswordChanged = { user: { id: string; email: string; name: string | null }; sessionVersion: number };

/** Account changes are a signed-in person's own: API tokens and local administration cannot make them. */
export function requirePerson(ctx: ServerContext, what: string): UserPrincipal {
  if (ctx.principal.kind !== "user") throw new AppError("forbidden", `${what} needs a signed-in person, not an API token`);
  return ctx.principal;
}

async function auditFailure(ctx: ServerContext, user: UserPrincipal["user"], reason: "wrong_current_password" | "locked") {
  await db().$transaction((tx) =>
    recordAudit(tx, ctx, { projectId: null, action: "auth.password.change_failed", targetType: "user", targetId: user.id, after: { email: user.email, reason } }),
  );
}

export async function changePassword(ctx: ServerContext, raw: unknown): Promise<PasswordChanged> {
  const person = requirePerson(ctx, "changing a password");
  const input = changePasswordSchema.parse(raw);
  const email = normalizeEmail(person.user.email);
  const address = (ctx.ip || UNKNOWN_ADDRESS).slice(0, 100);

  const lock = await signInLock(email, address);
  if (lock) {
    await auditFailure(ctx, person.user, "locked");
    const what = lock.scope === "account" ? "this account" : "your network address";
    throw new AppError("rate_limited", `Too many wrong passwords for ${what}. Changing the password is locked; try again in ${waitWords(lock.retryAfter)}.`, undefined, { retryAfter: lock.retryAfter });
  }

  const row = await db().user.findUnique({ where: { id: person.user.id } });
  if (!row || row.disabledAt) throw new AppError("unauthorized", "sign in first");
  if (!(await verifyPassword(row.passwordHash, input.currentPassword))) {
    // Counted exactly like a failed sign-in of this account from this address.
    const delay = await recordSignInFailure(email, address);
    await auditFailure(ctx, person.user, "wrong_current_password");
    if (delay > 0) await sleep(delay);
    throw new AppError("forbidden", "The current password is not right. Nothing was changed.", [{ path: "currentPassword", message: "This is not your current password." }]);
  }
  await recordSignInSuccess(email);

  const passwordHash = await hashPassword(input.newPassword);
  const fromVersion = person.sessionVersion ?? row.sessionVersion;
  await db().$transaction(async (tx) => {
    // Only if nothing changed since the check: a concurrent change or "sign out everywhere" wins.
    const { count } = await tx.user.updateMany({
      where: { id: row.id, passwordHash: row.passwordHash, sessionVersion: fromVersion },
      data: { passwordHash, sessionVersion: { increment: 1 } },
    });
    if (count !== 1) throw new AppError("conflict", "Your password or your sessions changed in the meantime. Nothing was changed; sign in again and retry.");
    await recordAudit(tx, ctx, { projectId: null, action: "auth.password.changed", targetType: "user", targetId: row.id, after: { email: row.email, otherSessionsEnded: true } });
  });
  return { user: { id: row.id, email: row.email, name: row.name }, sessionVersion: fromVersion + 1 };
}
