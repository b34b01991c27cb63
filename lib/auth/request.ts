// Authenticates an API request: a bearer token for machines, the session cookie for people.
import { AppError } from "@/lib/errors";
import { loadTokenPrincipal, type Principal } from "./principal";
import { currentUser } from "./session";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * A cookie-authenticated write must come from our own pages: browsers send Origin on
 * cross-site POSTs, so a mismatch (or none) is refused before any work is done.
 */
export function assertSameOrigin(request: Request): void {
  const origin = request.headers.get("origin");
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  const allowed = new Set<string>();
  if (process.env.NEXTAUTH_URL) allowed.add(new URL(process.env.NEXTAUTH_URL).origin);
  if (host) {
    const proto = request.headers.get("x-forwarded-proto") ?? new URL(request.url).protocol.replace(":", "");
    allowed.add(`${proto}://${host}`);
  }
  if (!origin || !allowed.has(origin)) {
    throw new AppError("forbidden", "cross-origin request refused: the Origin header does not match this site");
  }
}

export async function authenticate(request: Request): Promise<Principal> {
  const authorization = request.headers.get("authorization");
  if (authorization !== null) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match?.[1]) throw new AppError("unauthorized", "Authorization header must be `Bearer <token>`");
    const principal = await loadTokenPrincipal(match[1]);
    if (!principal) throw new AppError("unauthorized", "invalid, expired or revoked API token");
    return principal;
  }
  const user = await currentUser();
  if (!user) throw new AppError("unauthorized", "sign in or send `Authorization: Bearer <token>`");
  if (!SAFE_METHODS.has(request.method)) assertSameOrigin(request);
  return user;
}
