// Ends every session of a user on the server: their session version goes up, so every cookie
// issued before (carrying the old version) is refused from the next request on. Used by
// sign-out; a password change or an administrator's "sign out everywhere" calls it the same way.
import { db } from "@/lib/db/client";

/** Raises the user's session version; with `fromVersion`, only if it is still that one. */
export async function endSessions(userId: string, fromVersion?: number): Promise<void> {
  await db().user.updateMany({
    where: { id: userId, ...(fromVersion === undefined ? {} : { sessionVersion: fromVersion }) },
    data: { sessionVersion: { increment: 1 } },
  });
}
