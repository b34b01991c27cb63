// Who is calling: a signed-in person (roles re-read from the database on every request) or an API token.
import { db } from "@/lib/db/client";
import { prepared, runPrepared } from "@/lib/db/prepared";
import { holdsNul, PROJECT_RELEASE_COLUMNS, projectReleaseOf, type ProjectRelease, type ProjectReleaseRow } from "@/lib/server/lookup";
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

type TokenRow = { id: string; name: string; projectId: string; permissions: string[]; valid: boolean; usedLongAgo: boolean; requests: number | null } & Partial<ProjectReleaseRow>;

// Every API request asks this: one indexed read, checked in SQL (timestamps never leave the
// database, so no time zone can move them), and with $2, the request counted in the token's
// rate-limit window (lib/server/rate-limit.ts) in the same statement, only if the token is valid.
// With $3 and $4 (a project's slug and a release's version, from the URL), that project and
// release are read too, only if the token is valid and belongs to that project: ingest needs
// them for every report, and this saves it a round trip (docs/decisions/022).
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
     RETURNING count),
   found AS (
     SELECT ${PROJECT_RELEASE_COLUMNS}
     FROM t JOIN "Project" p ON p.id = t."projectId" AND p.slug = $3::text JOIN "Release" r ON r."projectId" = p.id AND r.version = $4::text
     WHERE t.valid)
   SELECT t.id::text, t.name, t."projectId"::text, t.permissions, t.valid, t."usedLongAgo", (SELECT count FROM counted) AS requests,
     found.project, found.release, found.environments
   FROM t LEFT JOIN found ON true`,
);

/** A project's slug and a release's version to read with the token (see TOKEN_LOOKUP). */
export type ReleaseNamed = { project: string; version: string };

/**
 * A valid, unexpired, unrevoked token, or null. Only the hash is looked up. With `countIn` (the
 * start of the current rate-limit window), the request is counted against the token's budget in
 * the same round trip, and `requests` says how many it has made in that window, this one included.
 * With `release`, `found` is that release and its project when the token belongs to it (null when
 * it does not, or either is missing: the use case then asks the way that says which).
 */
export async function loadTokenPrincipal(
  token: string,
  countIn?: Date,
  release?: ReleaseNamed,
): Promise<{ principal: TokenPrincipal; requests: number | null; found: ProjectRelease | null } | null> {
  if (!isWellFormedToken(token)) return null;
  const named = release && !holdsNul(release.project) && !holdsNul(release.version) ? release : null;
  const [row] = await runPrepared<TokenRow>(TOKEN_LOOKUP, [hashToken(token), countIn?.toISOString() ?? null, named?.project ?? null, named?.version ?? null]);
  if (!row?.valid) return null;
  // Last-used time is informational: written at most once a minute, so busy CI doesn't pay a
  // write per request; a lost update here is harmless.
  if (row.usedLongAgo) await db().apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
  const principal: TokenPrincipal = { kind: "token", token: { id: row.id, name: row.name, projectId: row.projectId, permissions: row.permissions as TokenPermission[] } };
  const found = row.project && row.release && row.environments ? projectReleaseOf({ project: row.project, release: row.release, environments: row.environments }) : null;
  return { principal, requests: row.requests, found };
}
