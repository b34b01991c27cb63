// Who is calling: a signed-in person (roles re-read from the database on every request) or an API token.
import { db } from "@/lib/db/client";
import type { RoleName } from "@/lib/templates/schema";
import { toRoleName } from "./roles";
import { hashToken, isWellFormedToken, type TokenPermission } from "./tokens";

export type UserPrincipal = {
  kind: "user";
  user: { id: string; email: string; name: string | null; isAdmin: boolean };
  roles: Map<string, RoleName>;
  /** The session version of the cookie this person came with (none for fixtures and the CLI). */
  sessionVersion?: number;
};

export type TokenPrincipal = {
  kind: "token";
  token: { id: string; name: string; projectId: string; permissions: TokenPermission[] };
};

/** Local administration (CLI, seed) by someone who already holds the database credentials. */
export type SystemPrincipal = { kind: "system"; label: string };

export type Principal = UserPrincipal | TokenPrincipal | SystemPrincipal;

export function principalLabel(principal: Principal): string {
  if (principal.kind === "user") return principal.user.email;
  if (principal.kind === "token") return `token:${principal.token.name}`;
  return principal.label;
}

/**
 * Loads a user and their memberships fresh, so a revoked role takes effect on the next request.
 * With `sessionVersion` (from a session cookie), a session that has been ended loads nothing.
 */
export async function loadUserPrincipal(userId: string, session?: { sessionVersion: number }): Promise<UserPrincipal | null> {
  const user = await db().user.findUnique({
    where: { id: userId },
    include: { memberships: { select: { projectId: true, role: true } } },
  });
  if (!user || user.disabledAt) return null;
  if (session && user.sessionVersion !== session.sessionVersion) return null;
  return {
    kind: "user",
    user: { id: user.id, email: user.email, name: user.name, isAdmin: user.isAdmin },
    roles: new Map(user.memberships.map((m) => [m.projectId, toRoleName(m.role)])),
    ...(session ? { sessionVersion: session.sessionVersion } : {}),
  };
}

/** A valid, unexpired, unrevoked token, or null. Only the hash is looked up. */
export async function loadTokenPrincipal(token: string): Promise<TokenPrincipal | null> {
  if (!isWellFormedToken(token)) return null;
  // Every API request asks this: one plain indexed read of what the check needs.
  const [row] = await db().$queryRaw<{ id: string; name: string; projectId: string; permissions: string[]; expiresAt: Date | null; revokedAt: Date | null; lastUsedAt: Date | null }[]>`
    SELECT id, name, "projectId", permissions, "expiresAt", "revokedAt", "lastUsedAt" FROM "ApiToken" WHERE hash = ${hashToken(token)}`;
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= new Date())) return null;
  // Last-used time is informational: written at most once a minute, so busy CI doesn't pay a
  // write per request; a lost update here is harmless.
  const now = new Date();
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
    await db().apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  return {
    kind: "token",
    token: {
      id: row.id,
      name: row.name,
      projectId: row.projectId,
      permissions: row.permissions as TokenPermission[],
    },
  };
}
