// Issuing the session cookie ourselves: a password change keeps the changing session signed in
// with a cookie carrying the new session version; "sign out everywhere" removes it.
import { encode } from "next-auth/jwt";
import { cookies } from "next/headers";
import { SESSION_MAX_AGE_SECONDS, sessionTokenCookie } from "./cookies";

function sessionSecret(): string {
  const secret = process.env.NEXTAUTH_SECRET ?? process.env.AUTH_SECRET;
  if (!secret) throw new Error("NEXTAUTH_SECRET is not set");
  return secret;
}

/** The token next-auth would issue at sign-in for this user and session version (see options.ts). */
export function sessionToken(user: { id: string; email: string; name: string | null }, sessionVersion: number): Promise<string> {
  return encode({ token: { sub: user.id, email: user.email, name: user.name, picture: null, sv: sessionVersion }, secret: sessionSecret(), maxAge: SESSION_MAX_AGE_SECONDS });
}

/** Sets a fresh session cookie on the current response (a server action or route handler). */
export async function issueSessionCookie(user: { id: string; email: string; name: string | null }, sessionVersion: number): Promise<void> {
  const { name, options } = sessionTokenCookie();
  const value = await sessionToken(user, sessionVersion);
  (await cookies()).set(name, value, { ...options, maxAge: SESSION_MAX_AGE_SECONDS });
}

/** Removes the session cookie from the browser (its session has already been ended on the server). */
export async function clearSessionCookie(): Promise<void> {
  const { name, options } = sessionTokenCookie();
  (await cookies()).set(name, "", { ...options, maxAge: 0 });
}
