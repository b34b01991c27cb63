"use server";
// The signed-in person's own account: password, sessions and notification choices. Same use cases as the API.
import { randomUUID } from "node:crypto";
import { headers } from "next/headers";
import { issueSessionCookie, clearSessionCookie } from "@/lib/auth/session-cookie";
import { requireUser } from "@/lib/auth/session";
import { clientAddress, UNKNOWN_ADDRESS } from "@/lib/auth/throttle";
import { runAction, type ActionResult } from "@/lib/http/action-result";
import { changePassword } from "@/lib/server/change-password";
import { endOwnSessions } from "@/lib/server/end-user-sessions";
import { setNotificationPreferences } from "@/lib/server/notification-preferences";
import { changePasswordFormSchema } from "@/lib/validation/account";

async function context() {
  const address = clientAddress(await headers());
  return { principal: await requireUser(), requestId: randomUUID(), ip: address === UNKNOWN_ADDRESS ? null : address };
}

/** Changes the password; this browser stays signed in with a new cookie, every other session ends. */
export async function changePasswordAction(form: { currentPassword: string; newPassword: string; confirmPassword: string }): Promise<ActionResult<{ otherSessionsEnded: true }>> {
  return runAction(async () => {
    const ctx = await context();
    const input = changePasswordFormSchema.parse(form);
    const changed = await changePassword(ctx, { currentPassword: input.currentPassword, newPassword: input.newPassword });
    await issueSessionCookie(changed.user, changed.sessionVersion);
    return { otherSessionsEnded: true as const };
  });
}

/** Ends every session of the person, this one included. */
export async function signOutEverywhereAction(): Promise<ActionResult<{ sessionsEnded: true }>> {
  return runAction(async () => {
    await endOwnSessions(await context());
    await clearSessionCookie();
    return { sessionsEnded: true as const };
  });
}

/** The notification types the person does not want by email. */
export async function setNotificationPreferencesAction(form: { optOut: string[] }): Promise<ActionResult<{ saved: true }>> {
  return runAction(async () => {
    await setNotificationPreferences(await context(), form);
    return { saved: true as const };
  });
}
