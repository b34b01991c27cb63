// The Content-Security-Policy and transport headers every response carries. Pages get a fresh
// script nonce per request (Next.js puts it on its own scripts when it finds it in the request's
// policy); API responses, which are never rendered as pages, get a policy that allows nothing.

/** A page may run only scripts carrying this request's nonce (and what they load). */
export function pagePolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
    // Tailwind's stylesheet is a file; React and Next.js set a few inline style attributes.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

// The same policy the evidence download sets for itself (framing is refused by X-Frame-Options).
export const API_POLICY = "default-src 'none'; sandbox";

export const PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()";

/**
 * HSTS only where the site is served over HTTPS: the public URL says so, or the proxy in front
 * says the request came over it. SHIPCHECK_HSTS=off turns it off; a number sets max-age.
 */
export function strictTransport(request: { headers: Headers; url: string }): string | null {
  const setting = process.env.SHIPCHECK_HSTS?.trim();
  if (setting === "off") return null;
  const https =
    process.env.NEXTAUTH_URL?.startsWith("https://") ||
    new URL(request.url).protocol === "https:" ||
    request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim() === "https";
  if (!https) return null;
  const maxAge = setting && /^\d{1,9}$/.test(setting) ? setting : "31536000";
  return `max-age=${maxAge}; includeSubDomains`;
}
