// Authenticates an API request: a bearer token for machines, the session cookie for people.
import { headers } from "next/headers";
import { AppError, type RateLimitState } from "@/lib/errors";
import { counted, enforceRateLimit, rateLimitWindow } from "@/lib/server/rate-limit";
import type { ProjectRelease } from "@/lib/server/lookup";
import { loadTokenPrincipal, type Principal, type ReleaseNamed } from "./principal";
import { currentUser } from "./session";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

type HeaderSource = { get(name: string): string | null };

/** Whether the Origin header names this site (NEXTAUTH_URL, or the host the request was sent to). */
export function isSameOrigin(headers: HeaderSource, fallbackProtocol: string): boolean {
  const origin = headers.get("origin");
  if (!origin) return false;
  const host = headers.get("x-forwarded-host") ?? headers.get("host");
  const allowed = new Set<string>();
  if (process.env.NEXTAUTH_URL) allowed.add(new URL(process.env.NEXTAUTH_URL).origin);
  if (host) {
    const proto = headers.get("x-forwarded-proto") ?? fallbackProtocol;
    allowed.add(`${proto}://${host}`);
  }
  return allowed.has(origin);
}

const CROSS_ORIGIN = "cross-origin request refused: the Origin header does not match this site";

/**
 * A cookie-authenticated write must come from our own pages: browsers send Origin on
 * cross-site POSTs, so a mismatch (or none) is refused before any work is done.
 */
export function assertSameOrigin(request: Request): void {
  if (!isSameOrigin(request.headers, new URL(request.url).protocol.replace(":", ""))) throw new AppError("forbidden", CROSS_ORIGIN);
}

/**
 * Server actions get the same rule as the API: Next.js only compares Origin when it is
 * present, so a POST without one is refused here. Browsers always send Origin on these.
 */
export async function assertActionOrigin(): Promise<void> {
  const h = await headers();
  const origin = h.get("origin");
  // Without x-forwarded-proto the scheme is not known here; the host must still match exactly.
  let protocol = "http";
  try {
    if (origin) protocol = new URL(origin).protocol.replace(":", "");
  } catch {
    // A malformed Origin matches nothing below.
  }
  if (!isSameOrigin(h, protocol)) throw new AppError("forbidden", CROSS_ORIGIN);
}

/** The bearer token of a request that sends an Authorization header; 401 when it is not one. */
function bearerOf(authorization: string): string {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  if (!match?.[1]) throw new AppError("unauthorized", "Authorization header must be `Bearer <token>`");
  return match[1];
}

const INVALID_TOKEN = "invalid, expired or revoked API token";

export async function authenticate(request: Request): Promise<Principal> {
  const authorization = request.headers.get("authorization");
  if (authorization !== null) {
    const found = await loadTokenPrincipal(bearerOf(authorization));
    if (!found) throw new AppError("unauthorized", INVALID_TOKEN);
    return found.principal;
  }
  return authenticateUser(request);
}

/**
 * authenticate, and the request counted against the caller's per-minute budget (429 once it is
 * spent), for the routes CI calls in bulk. A token's request is counted in the same round trip
 * as its lookup; an invalid token is refused first and counts for nothing. With `release` (the
 * names in the URL), a token's own project and that release come back as `found`, read in the
 * same round trip; null for a person, another project or a missing release.
 */
export async function authenticateCounted(
  request: Request,
  options: { release?: ReleaseNamed; now?: Date } = {},
): Promise<{ principal: Principal; rateLimit: RateLimitState | null; found: ProjectRelease | null }> {
  const now = options.now ?? new Date();
  const authorization = request.headers.get("authorization");
  if (authorization === null) {
    const principal = await authenticateUser(request);
    return { principal, rateLimit: await enforceRateLimit(principal, now), found: null };
  }
  const found = await loadTokenPrincipal(bearerOf(authorization), rateLimitWindow(now), options.release);
  if (!found) throw new AppError("unauthorized", INVALID_TOKEN);
  return { principal: found.principal, rateLimit: await counted(found.requests ?? 0, now), found: found.found };
}

async function authenticateUser(request: Request): Promise<Principal> {
  const user = await currentUser();
  if (!user) throw new AppError("unauthorized", "sign in or send `Authorization: Bearer <token>`");
  if (!SAFE_METHODS.has(request.method)) assertSameOrigin(request);
  return user;
}
