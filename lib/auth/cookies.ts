// Cookie names and attributes, shared with next-auth (options.ts) so both write the same cookies.
import type { CookieOption, CookiesOptions } from "next-auth";

/** How long a session lasts without being renewed (next-auth's session.maxAge). */
export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

/** Whether Shipcheck's public URL (NEXTAUTH_URL) is served over HTTPS. */
export function publicUrlIsHttps(publicUrl: string | undefined = process.env.NEXTAUTH_URL): boolean {
  if (!publicUrl) return false;
  try {
    return new URL(publicUrl).protocol === "https:";
  } catch {
    return false;
  }
}

/**
 * Over HTTPS every cookie is `Secure` and `__Host-` prefixed: browsers then accept it only from
 * this exact host over HTTPS, with Path=/ and no Domain, so neither a sibling subdomain nor a
 * plain-HTTP page can plant or overwrite a session (next-auth's own default is `__Secure-`, which
 * allows a Domain). Over plain HTTP (local use) the names carry no prefix.
 */
export function sessionCookies(https: boolean): Pick<CookiesOptions, "sessionToken" | "callbackUrl" | "csrfToken"> {
  const prefix = https ? "__Host-" : "";
  const options: CookieOption["options"] = { httpOnly: true, sameSite: "lax", path: "/", secure: https };
  return {
    sessionToken: { name: `${prefix}next-auth.session-token`, options },
    callbackUrl: { name: `${prefix}next-auth.callback-url`, options },
    csrfToken: { name: `${prefix}next-auth.csrf-token`, options },
  };
}

/** The session cookie for this process's public URL. */
export const sessionTokenCookie = () => sessionCookies(publicUrlIsHttps()).sessionToken;
