// Ends every session of a user on the server: their session version goes up, so every cookie
// issued before (carrying the old version) is refused from the next request on. Used by
// sign-out and "sign out everywhere"; a password change raises it in the same update as the hash
// (lib/server/change-password.ts).
import { db, type Tx } from "@/lib/db/client";

/**
 * Raises the user's session version; with `fromVersion`, only if it is still that one. Returns
 * whether it was raised. Inside a transaction (`client`), together with the change's audit event.
 */
export async function endSessions(userId: string, fromVersion?: number, client: Tx = db()): Promise<boolean> {
  const { count } = await client.user.updateMany({
    where: { id: userId, ...(fromVersion === undefined ? {} : { sessionVersion: fromVersion }) },
    data: { sessionVersion: { increment: 1 } },
  });
  return count > 0;
}
