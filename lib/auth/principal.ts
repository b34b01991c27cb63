// Who is calling: a signed-in person (roles re-read from the database on every request) or an API token.
import { db } from "@/lib/db/client";
import { prepared, runPrepared } from "@/lib/db/prepared";
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

type TokenRow = { id: string; name: string; projectId: string; permissions: string[]; valid: boolean; usedLongAgo: boolean; requests: number | null };

// Every API request asks this: one indexed read, checked in SQL (timestamps never leave the
// database, so no time zone can move them), and with $2, the request counted in the token's
// rate-limit window (lib/server/rate-limit.ts) in the same statement, only if the token is valid.
const TOKEN_LOOKUP = prepared(
  "token_lookup",
  `WITH t AS (
     SELECT id, name, "projectId", permissions,
       ("revokedAt" IS NULL AND ("expiresAt" IS NULL OR "expiresAt" > (now() AT TIME ZONE 'UTC'))) AS valid,
       ("lastUsedAt" IS NULL OR "lastUsedAt" < (now() AT TIME ZONE 'UTC') - interval '1 minute') AS "usedLongAgo"
     FROM "ApiToken" WHERE hash = $1),
   counted AS (
     INSERT INTO "RateLimitWindow" (subject, "windowStart", count)
     SELECT 'token:' || t.id, ($2::timestamptz AT TIME ZONE 'UTC'), 1 FROM t WHERE t.valid AND $2::timestamptz IS NOT NULL
     ON CONFLICT (subject, "windowStart") DO UPDATE SET count = "RateLimitWindow".count + 1
     RETURNING count)
   SELECT t.id::text, t.name, t."projectId"::text, t.permissions, t.valid, t."usedLongAgo", (SELECT count FROM counted) AS requests FROM t`,
);

/**
 * A valid, unexpired, unrevoked token, or null. Only the hash is looked up. With `countIn` (the
 * start of the current rate-limit window), the request is counted against the token's budget in
 * the same round trip, and `requests` says how many it has made in that window, this one included.
 */
export async function loadTokenPrincipal(token: string, countIn?: Date): Promise<{ principal: TokenPrincipal; requests: number | null } | null> {
  if (!isWellFormedToken(token)) return null;
  const [row] = await runPrepared<TokenRow>(TOKEN_LOOKUP, [hashToken(token), countIn?.toISOString() ?? null]);
  if (!row?.valid) return null;
  // Last-used time is informational: written at most once a minute, so busy CI doesn't pay a
  // write per request; a lost update here is harmless.
  if (row.usedLongAgo) await db().apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
  const principal: TokenPrincipal = { kind: "token", token: { id: row.id, name: row.name, projectId: row.projectId, permissions: row.permissions as TokenPermission[] } };
  return { principal, requests: row.requests };
}
