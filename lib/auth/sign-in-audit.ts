// Every sign-in attempt, successful or not, is an audit event of the instance chain (no project):
// the email tried, the client address and the time.
import { db } from "@/lib/db/client";
import { recordAudit } from "@/lib/server/audit";
import type { Principal } from "./principal";

export type SignInAttempt = {
  email: string;
  address: string;
  outcome: "succeeded" | "failed";
  /** Why a failure failed: wrong email or password (indistinguishable on purpose), or a lock. */
  reason?: "wrong_credentials" | "locked";
  user?: { id: string; email: string; name: string | null } | null;
};

export async function auditSignIn(attempt: SignInAttempt): Promise<void> {
  const principal: Principal = attempt.user
    ? { kind: "user", user: { id: attempt.user.id, email: attempt.user.email, name: attempt.user.name, isAdmin: false }, roles: new Map() }
    : { kind: "system", label: attempt.email || "(no email)" };
  await db().$transaction((tx) =>
    recordAudit(tx, { principal, ip: attempt.address }, {
      projectId: null,
      action: attempt.outcome === "succeeded" ? "auth.signin.succeeded" : "auth.signin.failed",
      targetType: "user",
      targetId: attempt.user?.id ?? null,
      after: { email: attempt.email, outcome: attempt.outcome, ...(attempt.reason ? { reason: attempt.reason } : {}) },
    }),
  );
}
